fn main() {
    let fw = dti_benches::framework_100();
    let units = 10_000;
    let cols = dti_benches::leaf_columns(&fw, units);
    let ids: Vec<String> = (0..units).map(|k| format!("U{k}")).collect();
    let mut input = dti_core::ColumnInput::new(ids.iter().map(String::as_str).collect());
    for (code, v) in &cols {
        input = input.column(dti_core::NumberColumn::new(code.as_str(), v.as_slice()));
    }
    let t = std::time::Instant::now();
    for _ in 0..200 {
        std::hint::black_box(dti_core::score_columns(&fw, &input, &Default::default()).unwrap());
    }
    eprintln!("{:?}", t.elapsed() / 200);
}
