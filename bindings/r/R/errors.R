# Errors and warnings as R users expect them: conditions with classes.

#' Errors and warnings of the dti package
#'
#' Every error is a condition of class `dti_error` and of a subclass named by the core's
#' stable code: `dti_invalid_file` (data that cannot be read, every problem listed with its
#' row), `dti_input` (values the framework refuses; each problem's own code in
#' `problems$code`), `dti_bad_argument` (an argument
#' of the call; `path` names it), `dti_invalid_framework`, `dti_no_effect`, and so on — the
#' same codes as the `dti` command's JSON errors, the Python and the npm packages. Its
#' fields: `code`, `problems` (a data frame: `row`, `unit`, `indicator`, `code`, `text`, …,
#' or `NULL`), and the first problem's `unit`, `indicator` and `row`. Catch them with
#' `tryCatch(..., dti_invalid_file = function(e) ...)`.
#'
#' Ctrl-C stops a long analysis between waves of runs and signals an `interrupt` condition
#' (class `dti_interrupted`), as R's own interrupt. What is said aloud about the data
#' (indicators no unit reports, units that are not provinces, lenient's summary) is a
#' warning of class `dti_warning`.
#'
#' @name dti_error
#' @examples
#' bad <- data.frame(unit = "hanoi", period = 2024, AWR = "high")
#' e <- tryCatch(dti_score(bad), dti_error = function(e) e)
#' class(e)
#' e$problems[, c("row", "unit", "indicator")]
NULL

dti_abort <- function(code, message, details = list(), call = NULL) {
  if (identical(code, "interrupted")) {
    cond <- structure(class = c("dti_interrupted", "interrupt", "condition"),
                      list(message = message, call = call))
    signalCondition(cond)
    invokeRestart("abort")
  }
  problems <- details$problems
  if (!is.data.frame(problems) || nrow(problems) == 0) {
    problems <- NULL
  } else {
    first_columns <- intersect(c("row", "unit", "period", "indicator", "code", "message", "text"),
                               names(problems))
    problems <- problems[, c(first_columns, setdiff(names(problems), first_columns)), drop = FALSE]
    if (!is.null(problems$row)) problems$row <- as.integer(problems$row)
  }
  first <- function(field) {
    if (is.null(problems) || is.null(problems[[field]])) return(NA)
    problems[[field]][[1]]
  }
  cond <- structure(
    class = c(paste0("dti_", code), "dti_error", "error", "condition"),
    list(message = message, call = call, code = code, problems = problems,
         unit = first("unit"), indicator = first("indicator"), row = as.integer(first("row")),
         path = if (is.null(details$path)) NA_character_ else details$path)
  )
  stop(cond)
}

# The native result, or its error signalled.
native <- function(x) {
  if (inherits(x, "dti_native_error")) dti_abort(x$code, x$message, x$details)
  x
}

dti_warn <- function(message) {
  warning(structure(class = c("dti_warning", "warning", "condition"),
                    list(message = message, call = NULL)))
}

bad_argument <- function(path, message) {
  dti_abort("bad_argument", paste0(path, ": ", message), list(path = path))
}
