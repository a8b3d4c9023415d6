test_that("a value the framework refuses names its row, unit and indicator", {
  bad <- dti_synthetic()[1:3, ]
  bad$AWR <- as.character(bad$AWR)
  bad$AWR[3] <- "high"
  e <- tryCatch(dti_score(bad), error = function(e) e)
  expect_s3_class(e, "dti_error")
  expect_identical(e$code, "input")
  expect_identical(e$problems$code, "wrong_type")
  expect_identical(e$row, 3L)
  expect_identical(e$unit, bad$unit[3])
  expect_identical(e$indicator, "AWR")
  expect_match(conditionMessage(e), "data, row 3")
})

test_that("bad arguments name the argument as R does", {
  expect_error(dti_score(42), "data: expected a data frame", class = "dti_bad_argument")
  expect_error(dti_score("no/such/file.csv"), "no file", class = "dti_bad_argument")
  expect_error(dti_score(dti_synthetic()[0, ]), "no rows", class = "dti_invalid_file")
  expect_error(dti_score(data.frame()), "no columns", class = "dti_invalid_file")
  expect_error(dti_score(dti_synthetic(), year = "2023"), "year", class = "dti_bad_argument")
  expect_error(dti_score(dti_synthetic(), lenient = "no"), "lenient", class = "dti_bad_argument")
  expect_error(dti_framework("no-such-framework"), class = "dti_error")
  expect_error(dti_framework(42), "framework", class = "dti_bad_argument")
  expect_error(dti_explain(dti_synthetic(), 1), "unit", class = "dti_bad_argument")
  expect_error(dti_explain(dti_synthetic(), "atlantis"), class = "dti_error")
  expect_error(dti_published("dti-1999"), "no published data", class = "dti_bad_argument")
  expect_error(dti_leave_one_out(dti_synthetic(), depth = 0), "depth", class = "dti_bad_argument")
  expect_error(dti_uncertainty(dti_synthetic(), "runs", progress = FALSE), "spec", class = "dti_bad_argument")
  expect_error(dti_coin(toy_data(), toy_meta(), normalise = "minmax:5"), "normalise",
               class = "dti_bad_argument")
})

test_that("a number JSON cannot hold is refused by its place in the spec", {
  spec <- spec_w(10)
  spec$inputs[[1]]$factor <- Inf
  expect_error(dti_uncertainty(dti_synthetic(), spec, progress = FALSE),
               "spec\\$inputs\\[\\[1\\]\\]\\$factor: Inf is not a finite number",
               class = "dti_bad_argument")
})

test_that("NaN and infinities in the data are refused by row, not read as missing", {
  bad <- dti_synthetic()[1:3, ]
  bad$AWR[2] <- NaN
  e <- tryCatch(dti_score(bad), dti_error = function(e) e)
  expect_identical(e$row, 2L)
  bad$AWR[2] <- Inf
  e <- tryCatch(dti_score(bad), dti_error = function(e) e)
  expect_identical(e$row, 2L)
  # NA is no value: scored by the framework's missing policy.
  bad$AWR[2] <- NA
  expect_equal(nrow(dti_score(bad)), 3)
})

test_that("a list column is refused by name", {
  bad <- dti_synthetic()[1:2, ]
  bad$AWR <- list(1, 2)
  expect_error(dti_score(bad), "column 'AWR' is a list column", class = "dti_bad_argument")
})

test_that("a file's problem names its physical line", {
  file <- tempfile(fileext = ".csv")
  writeLines(c("unit,period,AWR", "ha-noi,2023,0.5", "hue,2023,oops"), file)
  e <- tryCatch(dti_score(file), dti_error = function(e) e)
  expect_identical(e$row, 3L)
  expect_match(conditionMessage(e), "row 3")
})

test_that("a framework from a file, a list and an id are the same framework", {
  fw <- dti_framework("vn-pdti-2022")
  file <- tempfile(fileext = ".json")
  writeLines(fw$definition, file)
  expect_identical(dti_framework(file)$definition, fw$definition)
  expect_output(print(fw), "vn-pdti-2022")
  bad <- tempfile(fileext = ".json")
  writeLines("{\"id\": 1}", bad)
  expect_error(dti_framework(bad), basename(bad), class = "dti_error")
})

test_that("a problem in COINr's tables names the table and row as the call does", {
  d <- toy_data()
  d$i1 <- as.character(d$i1)
  d$i1[2] <- "oops"
  e <- tryCatch(dti_coin(d, toy_meta()), dti_error = function(e) e)
  expect_match(conditionMessage(e), "iData, row 2, column i1: 'oops' is not a number", fixed = TRUE)
  expect_identical(e$row, 2L)
  m <- toy_meta()
  m$Parent[1] <- "nope"
  e <- tryCatch(dti_coin(toy_data(), m), dti_error = function(e) e)
  expect_match(conditionMessage(e), "iMeta, row 1, column Parent", fixed = TRUE)
  file <- tempfile(fileext = ".csv")
  utils::write.csv(d, file, row.names = FALSE)
  e <- tryCatch(dti_coin(file, toy_meta()), dti_error = function(e) e)
  expect_match(conditionMessage(e), paste0(file, ", line 3, column i1"), fixed = TRUE)
})

test_that("every analysis says what was wrong, by the argument's name", {
  p <- dti_published()
  expect_error(dti_compare(p[p$unit == "ha-noi", ], p[p$unit == "hue", ], "vn-pdti-2024"),
               "no unit in common", class = "dti_no_effect")
  expect_error(dti_compare(dti_synthetic(), dti_synthetic(), from = 1999), "from: a has no rows",
               class = "dti_bad_argument")
  expect_error(dti_merge(dti_synthetic(), map = list(groups = "x")), "^map: ",
               class = "dti_bad_argument")
  expect_error(dti_scenario(dti_synthetic(), list(values = list(list(
    unit = "ha-noi", indicator = "NOPE", op = "set", value = 1)))), "'NOPE'", class = "dti_input")
  expect_error(dti_scenario(dti_synthetic(), "more"), "scenario", class = "dti_bad_argument")
  expect_error(dti_sensitivity(dti_synthetic(), list(n = "many"), progress = FALSE), "^spec: ",
               class = "dti_bad_argument")
  expect_error(dti_uncertainty(dti_synthetic(), list(runs = 10, seed = 1, inputs = list()),
                               progress = FALSE), class = "dti_no_effect")
  expect_error(dti_score(dti_synthetic(), ties = "sometimes"), "^ties: ", class = "dti_bad_argument")
  expect_error(dti_score(dti_synthetic(), groups = 1), "groups", class = "dti_bad_argument")
  expect_error(dti_score(dti_synthetic(), framework = "vn-pdti-2025"), "supplement",
               class = "dti_invalid_framework")
  expect_error(dti_coin(data.frame(uCode = "A"), data.frame(iCode = "x")),
               "iMeta, columns, column Level", class = "dti_invalid_tables")
  expect_error(dti_coin(toy_data(), toy_meta(), denominate = "yes"), "denominate",
               class = "dti_bad_argument")
})
