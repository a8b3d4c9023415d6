# Scoring and what follows from scores: explanations, mergers, comparisons, scenarios.

#' Read data as the dti command reads it
#'
#' @param data A data frame (base, tibble or data.table) or a file's path (CSV, wide or
#'   long; UTF-8 or UTF-16). Wide data has a column per indicator code beside `unit`
#'   (or `province`), optionally `name` and `period` (or `year`).
#' @param framework A framework: see [dti_framework()].
#' @param layout `"auto"`, `"wide"` or `"long"`.
#' @param groups Columns that group units (kept as the units' groups).
#' @param delimiter A file's separator (`","`, `";"`, `"tab"`…); guessed when `NULL`.
#' @return The unit records as the core holds them: a data frame, one row per unit and
#'   period (`unit`, `name`, `period`, and `values`, a list column of named values); any
#'   problem is an error listing every one with its row.
#' @export
#' @examples
#' records <- dti_read(dti_synthetic())
#' nrow(records)
dti_read <- function(data, framework = "vn-pdti-2022", layout = "auto", groups = character(),
                     delimiter = NULL) {
  src <- as_source(data, groups = coinr_groups(framework, data))
  native(.Call(wrap__read_records, definition(framework, data), src$name, src$text, src$frame,
               options_list(layout, coinr_groups(framework, data, groups), delimiter)))
}

#' Score every unit and period
#'
#' Each period is a cohort, ranked on its own, as the ministry ranks each year.
#'
#' @inheritParams dti_read
#' @param year One period to keep (the command's `--year`); `NULL` keeps every period.
#' @param ties How ranks treat near-equal values, in every ranking and rank normaliser:
#'   `"auto"` (the default: the framework's own rule — the DTI frameworks rank values
#'   rounded to 4 decimals, as the ministry publishes them; others a relative 1e-12),
#'   `list(rounded = 4)`, `"exact"` (as COINr ranks) or `list(tolerance = 1e-12)`.
#' @param lenient `FALSE` (the default): any problem in the data is an error listing every
#'   one with its row. `TRUE` scores the rest, as the command does: a refused value counts
#'   as missing, a row that cannot be read is left out; one warning gives the count and the
#'   first problem, and a `problems` column each row's.
#' @param pool_periods Rank every period together (one cohort) instead of each on its own.
#' @param nodes `TRUE` (the default): every node's columns too. `FALSE`: the index's and the
#'   views' (pillars') only, the columns of the command's table and CSV.
#' @return A data frame (a tibble or data.table when `data` is one): `unit`, `name`,
#'   `period`, `value`, `points`, `rank`, then every view's and node's `<code>.value`,
#'   `<code>.points`, `<code>.rank`.
#' @export
#' @examples
#' s <- dti_score(dti_synthetic(), year = 2023)
#' head(s[order(s$rank), c("unit", "value", "points", "rank")])
#'
#' # The official DTI 2024 ranking of the 34 provinces, reproduced from the published values:
#' p <- dti_published("dti-2024")
#' s <- dti_score(p, "vn-pdti-2024")
#' all(s$rank == p$rank)
dti_score <- function(data, framework = "vn-pdti-2022", year = NULL, ties = NULL,
                      lenient = FALSE, layout = "auto", groups = character(),
                      delimiter = NULL, pool_periods = FALSE, nodes = TRUE) {
  src <- as_source(data, groups = coinr_groups(framework, data))
  year <- check_year(year)
  opts <- options_list(layout, coinr_groups(framework, data, groups), delimiter, lenient, ties,
                       pool_periods)
  opts$nodes <- flag("nodes", nodes)
  r <- native(.Call(wrap__score, definition(framework, data), src$name, src$text, src$frame,
                    opts))
  for (note in r$notes) dti_warn(note)
  if (!is.null(r$warning)) dti_warn(r$warning)
  out <- r$scores
  if (!is.null(year)) {
    keep <- !is.na(out$period) & out$period == year
    if (!any(keep)) {
      periods <- sort(unique(out$period))
      bad_argument("year", sprintf("no rows for %d; the data has %s", year,
                                   paste(periods, collapse = ", ")))
    }
    out <- out[keep, , drop = FALSE]
    rownames(out) <- NULL
  }
  like(out, data)
}

check_year <- function(year, name = "year") {
  if (is.null(year)) return(NULL)
  ok <- is.numeric(year) && length(year) == 1L && !is.na(year) && year == round(year)
  if (!ok) bad_argument(name, sprintf("expected a year (a whole number) or NULL, got %s", shown(year)))
  as.integer(year)
}

#' Explain one unit's result
#'
#' @inheritParams dti_score
#' @param unit A unit's id, its name (case and diacritics ignored) or a province's name.
#' @param year The period; `NULL`: the unit's latest.
#' @return A list: the unit's `value`, `points`, `rank` and `explanation` — every node's
#'   points against its maximum (`nodes`), what each leaf contributed and lost, and the best
#'   improvement opportunities (`opportunities`: `code`, `gain`, `name_vi`, `name_en`).
#' @export
#' @examples
#' e <- dti_explain(dti_synthetic(), "ha-noi")
#' head(e$explanation$opportunities)
dti_explain <- function(data, unit, framework = "vn-pdti-2022", year = NULL) {
  if (!is.character(unit) || length(unit) != 1L || is.na(unit)) {
    bad_argument("unit", sprintf("expected one unit's id or name, got %s", shown(unit)))
  }
  src <- as_source(data, groups = coinr_groups(framework, data))
  native(.Call(wrap__explain, definition(framework, data), src, unit, check_year(year)))
}

#' Score merged units from their former ones
#'
#' @inheritParams dti_score
#' @param map The groups: a named list as `dti merge --map` reads its JSON
#'   (`list(groups = list(list(unit = "new", from = c("a", "b"))))`); `NULL`: the 2025
#'   province merger, 63 provinces into 34.
#' @return The columns of [dti_score()] and `from`, a list column of the former units.
#' @export
#' @examples
#' m <- dti_merge(dti_synthetic())
#' head(m[, c("unit", "period", "value", "rank")])
dti_merge <- function(data, framework = "vn-pdti-2022", map = NULL, lenient = FALSE) {
  src <- as_source(data, groups = coinr_groups(framework, data))
  r <- native(.Call(wrap__merge, definition(framework, data), src, map, flag("lenient", lenient)))
  if (length(r$unmapped) > 0) {
    left <- sort(unique(r$unmapped))
    more <- if (length(left) > 10) " ..." else ""
    dti_warn(sprintf("%d unit(s) are in no group of the map and are not in the result: %s%s",
                     length(left), paste(utils::head(left, 10), collapse = ", "), more))
  }
  out <- r$scores
  out$from <- r$from
  like(out, data)
}

#' Compare two rankings
#'
#' Two data sets under one framework, or one data set under two.
#'
#' @param a,b The data: see [dti_read()].
#' @param framework The framework of `a` (and of `b` unless `framework_b` is given).
#' @param framework_b The framework of `b`.
#' @param from,to Compare one period of `a` with one of `b`, units matched by id. When that
#'   period of `a` holds the 63 provinces before the 2025 merger and `b`'s the 34 after it,
#'   `a` is merged onto the 34 first by the ministry's rule (plain means of the former
#'   provinces' values), with a warning saying so.
#' @return A data frame: `unit`, `period` (without `from`/`to`), `value_a`, `rank_a`,
#'   `value_b`, `rank_b`, `rank_shift` (`rank_b - rank_a`: negative = moved up). An error
#'   when the rankings share no unit.
#' @export
#' @examples
#' p <- dti_published("dti-2024")
#' before <- dti_published("dti-63")
#' d <- dti_compare(before, p[, c("unit", "name", "period", "DTI")], "total", from = 2023, to = 2024)
#' head(d[order(d$rank_shift), ])
dti_compare <- function(a, b, framework = "vn-pdti-2022", framework_b = NULL,
                        from = NULL, to = NULL) {
  fa <- definition(framework, a)
  fb <- if (is.null(framework_b)) fa else definition(framework_b, b)
  sa <- as_source(a, "a", coinr_groups(framework, a))
  sb <- as_source(b, "b", coinr_groups(if (is.null(framework_b)) framework else framework_b, b))
  r <- native(.Call(wrap__compare, fa, sa, fb, sb,
                    check_year(from, "from"), check_year(to, "to")))
  if (isTRUE(r$merged)) {
    dti_warn(sprintf(paste("the %d provinces of %d were merged onto the 34 of the 2025 map first",
                           "(plain means of the former provinces' values, the ministry's rule),",
                           "then compared"), r$provinces, from))
  }
  like(r$comparison, a)
}

#' A what-if scenario against the baseline
#'
#' @inheritParams dti_score
#' @param scenario A named list as `dti scenario` reads its JSON: values set, added or
#'   scaled (`values`), weights, maximum points, aggregators or normalisers changed, nodes
#'   dropped or added.
#' @return A data frame: `unit`, `period`, `value_baseline`, `rank_baseline`,
#'   `value_scenario`, `rank_scenario`, `rank_shift` (negative = moved up). A warning when
#'   the scenario changes nothing.
#' @export
#' @examples
#' s <- dti_scenario(dti_synthetic(), list(values = list(list(
#'   unit = "ha-giang", indicator = "HR", op = "set", value = 1))))
#' s[s$unit == "ha-giang", ]
dti_scenario <- function(data, scenario, framework = "vn-pdti-2022") {
  if (!is.list(scenario)) bad_argument("scenario", "expected a named list")
  src <- as_source(data, groups = coinr_groups(framework, data))
  r <- native(.Call(wrap__scenario, definition(framework, data), src, scenario))
  if (!isTRUE(r$changed)) dti_warn("the scenario changes no unit's value or rank")
  like(r$comparison, data)
}
