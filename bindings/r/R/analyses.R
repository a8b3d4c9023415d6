# The robustness analyses, each on one period: the latest in the data, or `year`.

#' Rank and value intervals under uncertain weights and methods
#'
#' Runs the index many times, each with weights and methods drawn from `spec`, and gives
#' each unit's rank and value percentiles. Draws are counter-based: the same seed gives the
#' same result here, in the command, Python and the browser, on any number of threads.
#'
#' @inheritParams dti_score
#' @param spec A named list as the command's JSON: `runs`, `seed`, `inputs` (each a list
#'   such as `list(name = "w", kind = "weight_noise", factor = 0.25, depth = 2)`),
#'   `keep_draws`.
#' @param year The period analysed; `NULL`: the latest in the data (as the command).
#' @param progress `TRUE` shows a progress bar (the cli package's, or a text bar), `FALSE`
#'   none; a function `function(done, total)` is called between waves of runs (return
#'   `FALSE` to cancel). Ctrl-C stops the analysis between waves.
#' @return A `dti_uncertainty`: `runs`, `units` (a data frame: `unit`, `period`,
#'   `nominal_rank`, `median_rank`, `rank_p05`, `rank_p95`, `mean_rank`, `value_p05`…),
#'   `warnings` (inputs that changed nothing), `draws` (with `keep_draws`).
#' @export
#' @examples
#' u <- dti_uncertainty(dti_synthetic(), list(runs = 200, seed = 2022, inputs = list(
#'   list(name = "w", kind = "weight_noise", factor = 0.25, depth = 2))), progress = FALSE)
#' head(u$units[order(u$units$nominal_rank), c("unit", "nominal_rank", "rank_p05", "rank_p95")])
dti_uncertainty <- function(data, spec, framework = "vn-pdti-2022", year = NULL,
                            progress = interactive()) {
  check_spec(spec)
  r <- native(.Call(wrap__uncertainty, definition(framework, data),
                    as_source(data, groups = coinr_groups(framework, data)),
                    check_year(year), spec, progress_function(progress, "uncertainty", environment())))
  for (w in r$warnings) dti_warn(w)
  if (!is.data.frame(r$units)) r$units <- data.frame()
  structure(r, class = "dti_uncertainty")
}

#' @export
print.dti_uncertainty <- function(x, ...) {
  cat(sprintf("<dti_uncertainty> %d runs, %d units\n", as.integer(x$runs), nrow(x$units)))
  if (nrow(x$units) > 0) {
    u <- x$units[order(x$units$nominal_rank), ]
    print(utils::head(u[, intersect(c("unit", "nominal_rank", "median_rank", "rank_p05", "rank_p95"),
                                   names(u))], 10), row.names = FALSE)
  }
  invisible(x)
}

#' Variance-based (Sobol) sensitivity of the ranking
#'
#' First-order and total Sobol indices of the mean absolute rank shift, per uncertain
#' input.
#'
#' @inheritParams dti_uncertainty
#' @param spec A named list as the command's JSON: `n`, `seed`, `inputs`, `bootstrap`.
#' @return A data frame, one row per input: `input`, `first_order`, `first_order_low`,
#'   `first_order_high`, `total`, `total_low`, `total_high` (the 95 % bootstrap intervals;
#'   `NA` without `bootstrap`).
#' @export
#' @examples
#' dti_sensitivity(dti_synthetic(), list(n = 64, seed = 1, bootstrap = 100, inputs = list(
#'   list(name = "weights", kind = "weight_noise", factor = 0.25, depth = 2),
#'   list(name = "aggregation", kind = "aggregator",
#'        depth = 1, alternatives = list(list(method = "points_sum"),
#'                                       list(method = "geometric_mean"))))),
#'   progress = FALSE)
dti_sensitivity <- function(data, spec, framework = "vn-pdti-2022", year = NULL,
                            progress = interactive()) {
  check_spec(spec)
  native(.Call(wrap__sensitivity, definition(framework, data),
                    as_source(data, groups = coinr_groups(framework, data)), check_year(year),
               spec, progress_function(progress, "sensitivity", environment())))
}

#' Leave each component out in turn
#'
#' @inheritParams dti_uncertainty
#' @param depth The level whose nodes are left out (2: the main indicators, as the command).
#' @return A data frame: `left_out`, `mean_abs_rank_shift`, `max_abs_rank_shift`.
#' @export
#' @examples
#' dti_leave_one_out(dti_synthetic())
dti_leave_one_out <- function(data, framework = "vn-pdti-2022", depth = 2, year = NULL) {
  native(.Call(wrap__leave_one_out, definition(framework, data),
                    as_source(data, groups = coinr_groups(framework, data)), check_year(year),
               depth))
}

check_spec <- function(spec) {
  if (!is.list(spec) || is.null(names(spec))) {
    bad_argument("spec", "expected a named list (runs, seed, inputs, ...)")
  }
}

# The progress callback of an analysis: a function as given, a bar (cli's, tied to the
# analysis call's frame `env`, or a text bar), or NULL.
progress_function <- function(progress, what, env) {
  if (is.function(progress)) return(progress)
  if (!isTRUE(progress)) return(NULL)
  if (requireNamespace("cli", quietly = TRUE)) {
    bar <- NULL
    return(function(done, total) {
      if (is.null(bar)) bar <<- cli::cli_progress_bar(what, total = total, .envir = env)
      cli::cli_progress_update(id = bar, set = done, .envir = env)
      if (done >= total) cli::cli_progress_done(id = bar, .envir = env)
      TRUE
    })
  }
  bar <- NULL
  function(done, total) {
    if (is.null(bar)) bar <<- utils::txtProgressBar(min = 0, max = total, style = 3)
    utils::setTxtProgressBar(bar, done)
    if (done >= total) close(bar)
    TRUE
  }
}
