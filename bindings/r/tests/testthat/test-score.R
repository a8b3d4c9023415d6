test_that("the COINr toy index is the hand-worked one (fixtures/coin-toy/README.md)", {
  coin <- dti_coin(toy_data(), toy_meta(), denominate = TRUE)
  r <- coin$results[order(coin$results$unit), ]
  # IDX = (2·P1 + P2)/3: A 100/9, B 400/9, C 800/9; ranks C 1, B 2, A 3.
  expect_equal(r$value, c(100 / 9, 400 / 9, 800 / 9), tolerance = 1e-12)
  expect_identical(r$rank, c(3L, 2L, 1L))
  expect_equal(r$S2.value, c(100 / 3, 250 / 3, 200 / 3), tolerance = 1e-12)
  expect_equal(r$S3.value, c(0, 0, 100))
  expect_identical(names(coin$data), c("Raw", "Denominated", "Normalised", "Aggregated"))
  # COINr's Aggregated: the normalised indicators, then S1 … P2 and the index, by hand.
  a <- coin$data$Aggregated[order(coin$data$Aggregated$uCode), ]
  expect_identical(names(a)[-(1:4)], c("i1", "i2", "i3", "i4", "i5", "i6", "S1", "S2", "S3", "P1", "P2", "IDX"))
  expect_equal(a$P1, c(50 / 3, 200 / 3, 250 / 3), tolerance = 1e-12)
  expect_equal(a$IDX, c(100 / 9, 400 / 9, 800 / 9), tolerance = 1e-12)
  expect_equal(a$i4, c(100, 50, 0))
  # Denominated i3 = i3 / Pop: 5, 10, 10.
  expect_equal(coin$data$Denominated$i3, c(5, 10, 10))
  expect_equal(coin$data$Normalised$i2, c(0, 50, 100))
  expect_true(is.na(coin$data$Normalised$i5[2]))
})

test_that("the official DTI 2024 ranking is reproduced from the published values", {
  p <- dti_published("dti-2024")
  expect_equal(nrow(p), 34)
  s <- suppressWarnings(dti_score(p, "vn-pdti-2024"))
  s <- s[match(p$unit, s$unit), ]
  expect_identical(s$rank, p$rank)
  # vn-pdti-2024's points are inferred from these results (its version says so): every
  # value within the published 4 decimals' half unit and the inference's residue.
  expect_lt(max(abs(s$value - p$DTI)), 1e-4)
})

test_that("scores are the command's, bit for bit", {
  dti_cmd <- native_command()
  panel <- dti_synthetic()
  file <- tempfile(fileext = ".csv")
  writeLines(.Call(dti:::wrap__bundled_csv), file, sep = "", useBytes = TRUE)
  out <- system2(dti_cmd, c("score", file, "--framework", "vn-pdti-2022", "--year", "2023",
                            "--format", "csv"), stdout = TRUE)
  cli <- utils::read.csv(text = out, check.names = FALSE, stringsAsFactors = FALSE,
                         encoding = "UTF-8")
  r <- dti_score(panel, year = 2023)
  r <- r[match(cli$unit, r$unit), ]
  expect_identical(r$value, cli$value)
  expect_identical(r$points, cli$points)
  expect_identical(r$rank, cli$rank)
  expect_identical(r$CQS.value, cli$CQS)
})

test_that("the uncertainty analysis is the command's, bit for bit", {
  dti_cmd <- native_command()
  file <- tempfile(fileext = ".csv")
  writeLines(.Call(dti:::wrap__bundled_csv), file, sep = "", useBytes = TRUE)
  spec <- tempfile(fileext = ".json")
  writeLines('{"runs": 200, "seed": 2022, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25, "depth": 2}]}', spec)
  out <- system2(dti_cmd, c("uncertainty", spec, file, "--framework", "vn-pdti-2022", "--format", "csv"),
                 stdout = TRUE)
  cli <- utils::read.csv(text = out, check.names = FALSE, stringsAsFactors = FALSE)
  u <- dti_uncertainty(dti_synthetic(), spec_w(), progress = FALSE)$units
  u <- u[match(cli$unit, u$unit), ]
  expect_identical(u$median_rank, as.numeric(cli[["median rank"]]))
  expect_identical(u$value_p05, cli[["p5 value"]])
  expect_identical(u$value_p95, cli[["p95 value"]])
})

test_that("a data frame's numbers cross exactly, whatever R holds", {
  panel <- dti_synthetic()[1:6, ]
  panel$AWR <- panel$AWR + 1e-16 * c(0, 1, 2, 3, 4, 5) + 0.1 + 0.2 - 0.3
  file <- tempfile(fileext = ".csv")
  utils::write.csv(transform(panel, AWR = sprintf("%.17g", AWR)), file, row.names = FALSE,
                   fileEncoding = "UTF-8")
  expect_identical(dti_score(panel)$value, dti_score(file)$value)
  records <- dti_read(panel)
  expect_identical(vapply(records$values, function(v) v$AWR, numeric(1)), panel$AWR)
})

test_that("year keeps one period; tibbles and data.tables come back as they went in", {
  s <- dti_score(dti_synthetic(), year = 2022)
  expect_true(all(s$period == 2022))
  expect_equal(nrow(s), 63)
  skip_if_not_installed("tibble")
  t <- dti_score(tibble::as_tibble(dti_synthetic()), year = 2022)
  expect_s3_class(t, "tbl_df")
  expect_identical(t$value, s$value)
  skip_if_not_installed("data.table")
  d <- dti_score(data.table::as.data.table(dti_synthetic()), year = 2022)
  expect_s3_class(d, "data.table")
  expect_identical(d$value, s$value)
})

test_that("lenient scores the rest, with one warning and a problems column", {
  bad <- dti_synthetic()[1:5, ]
  bad$AWR <- as.character(bad$AWR)
  bad$AWR[2] <- "high"
  expect_warning(s <- dti_score(bad, lenient = TRUE), "lenient: 1 problem")
  at <- s$unit == bad$unit[2] & s$period == bad$period[2]
  expect_true(grepl("row 2", s$problems[at]))
  expect_true(all(is.na(s$problems[!at])))
})

test_that("explain, merge, compare, scenario and leave-one-out answer as the command's", {
  e <- dti_explain(dti_synthetic(), "Hà Nội", year = 2023)
  expect_identical(e$unit, "ha-noi")
  s <- dti_score(dti_synthetic(), year = 2023)
  expect_identical(e$rank, as.numeric(s$rank[s$unit == "ha-noi"]))
  expect_true(all(c("code", "gain", "name_vi", "name_en") %in% names(e$explanation$opportunities)))

  m <- dti_merge(dti_synthetic())
  expect_equal(length(unique(m$unit)), 34)
  expect_true(all(lengths(m$from) >= 1))

  sc <- dti_scenario(dti_synthetic(), list(values = list(list(
    unit = "ha-giang", period = 2023, indicator = "HR", op = "set", value = 1))))
  row <- sc[sc$unit == "ha-giang" & sc$period == 2023, ]
  expect_lt(row$rank_scenario, row$rank_baseline)
  expect_identical(row$rank_shift, row$rank_scenario - row$rank_baseline)
  expect_warning(dti_scenario(dti_synthetic(), list(values = list())), "changes no unit")

  before <- dti_published("dti-63")
  after <- dti_published()[, c("unit", "name", "period", "DTI")]
  expect_warning(d <- dti_compare(before, after, "total", from = 2023, to = 2024), "merged onto the 34")
  expect_equal(nrow(d), 34)

  l <- dti_leave_one_out(dti_synthetic())
  expect_identical(l$left_out, c("AWR", "INST", "INFRA", "HR", "SEC", "SMART", "GOV", "ECO", "SOC"))
  expect_true(all(l$max_abs_rank_shift >= l$mean_abs_rank_shift))
})

test_that("analyses run on the latest period unless year says otherwise", {
  u <- dti_uncertainty(dti_synthetic(), spec_w(50), progress = FALSE)
  expect_true(all(u$units$period == 2023))
  u <- dti_uncertainty(dti_synthetic(), spec_w(50), year = 2021, progress = FALSE)
  expect_true(all(u$units$period == 2021))
  expect_error(dti_uncertainty(dti_synthetic(), spec_w(50), year = 1999, progress = FALSE),
               class = "dti_bad_argument")
})

test_that("progress is reported, and FALSE from it cancels", {
  seen <- c()
  dti_uncertainty(dti_synthetic(), spec_w(2000), progress = function(done, total) {
    seen <<- c(seen, done)
    expect_identical(total, 2000)
    TRUE
  })
  expect_identical(utils::tail(seen, 1), 2000)
  expect_error(dti_uncertainty(dti_synthetic(), spec_w(2000), progress = function(d, t) FALSE),
               class = "dti_cancelled")
  expect_error(dti_uncertainty(dti_synthetic(), spec_w(2000), progress = function(d, t) stop("boom")),
               "progress", class = "dti_bad_argument")
})

test_that("sensitivity gives Sobol indices with intervals", {
  s <- dti_sensitivity(dti_synthetic(), list(n = 64, seed = 1, bootstrap = 50, inputs = list(
    list(name = "w", kind = "weight_noise", factor = 0.25, depth = 2))), progress = FALSE)
  expect_identical(s$input, "w")
  expect_true(s$first_order_low <= s$first_order_high)
})

test_that("COINr's iMeta is a framework: the analyses take iData and iMeta as new_coin() does", {
  asem <- dti_example("asem")
  coin <- dti_coin(asem$iData, asem$iMeta)
  s <- suppressWarnings(dti_score(asem$iData, asem$iMeta))
  s <- s[match(coin$results$unit, s$unit), ]
  expect_identical(s$value, coin$results$value)
  expect_identical(s$rank, coin$results$rank)
  u <- suppressWarnings(dti_uncertainty(asem$iData, spec_w(50), asem$iMeta, progress = FALSE))
  expect_equal(nrow(u$units), nrow(asem$iData))
  expect_error(dti_framework(asem$iMeta), "iData", class = "dti_bad_argument")
})

test_that("Ctrl-C stops an analysis between waves, as an interrupt", {
  waves <- 0
  got <- tryCatch(
    dti_uncertainty(dti_synthetic(), spec_w(5000), progress = function(done, total) {
      waves <<- waves + 1
      # A Ctrl-C arrives while the first wave's progress is reported.
      if (waves == 1) tools::pskill(Sys.getpid(), tools::SIGINT)
      TRUE
    }),
    interrupt = function(e) e
  )
  expect_s3_class(got, "dti_interrupted")
  expect_identical(waves, 1)
})

test_that("nodes = FALSE keeps the index and the pillars, with the same numbers", {
  panel <- dti_synthetic()
  full <- suppressWarnings(dti_score(panel))
  lean <- suppressWarnings(dti_score(panel, nodes = FALSE))
  keep <- c("unit", "name", "period", "value", "points", "rank",
            paste0(rep(c("CQS", "KTS", "XHS"), each = 3), c(".value", ".points", ".rank")))
  expect_identical(names(lean), keep)
  expect_identical(lean, full[, keep])
  expect_error(dti_score(panel, nodes = "no"), "nodes")
})
