// The package's init routine: registers the Rust functions (extendr_module! in lib.rs).
void R_init_dti_extendr(void *dll);

void R_init_dti(void *dll) {
    R_init_dti_extendr(dll);
}
