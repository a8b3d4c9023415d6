#' dti: the Digital Transformation Index and composite indicators, from R
#'
#' Scores Vietnam's provincial Digital Transformation Index (DTI) and any index built the
#' same way, with the numbers of the `dti` command, the Python and the npm packages (one
#' Rust library under all of them). Start with [dti_score()] on [dti_synthetic()] or
#' [dti_published()]; [dti_coin()] runs the COINr pipeline on COINr's tables;
#' [dti_uncertainty()] and [dti_sensitivity()] stress-test a ranking. Errors are
#' conditions of class `dti_error` (see [dti_error]).
#'
#' @keywords internal
#' @useDynLib dti, .registration = TRUE
"_PACKAGE"
