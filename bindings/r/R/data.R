# Where data comes from: a data frame (base, tibble, data.table) or a file's path.

# list(name, text, frame): the text the core's reader takes. A data frame's cells cross
# exactly (numbers in their shortest round-trip form); its problems are named by row.
as_source <- function(data, arg = "data", groups = NULL) {
  if (is.character(data) && length(data) == 1L && !is.na(data)) {
    if (!file.exists(data) || dir.exists(data)) {
      bad_argument(arg, sprintf("no file %s", data))
    }
    text <- native(.Call(wrap__read_text, normalizePath(data)))
    return(list(name = data, text = text, frame = FALSE))
  }
  if (!is.data.frame(data)) {
    bad_argument(arg, sprintf("expected a data frame or a file's path, got %s",
                              paste(class(data), collapse = "/")))
  }
  if (ncol(data) == 0L) {
    dti_abort("invalid_file", sprintf("%s: the data frame has no columns", arg))
  }
  if (nrow(data) == 0L) {
    dti_abort("invalid_file", sprintf("%s: the data frame has no rows: nothing to score", arg))
  }
  columns <- lapply(seq_along(data), function(k) as_column(data[[k]], names(data)[[k]], arg))
  names(columns) <- names(data)
  list(name = arg, text = native(.Call(wrap__frame_csv, columns)), frame = TRUE,
       groups = if (length(groups) > 0) I(groups))
}

# The columns of COINr's iData that are not indicators — its iMeta's Group and Denominator
# rows — read as the units' groups when an iMeta is the framework; else `groups` as given.
coinr_groups <- function(framework, data, groups = character()) {
  coinr <- is.data.frame(framework) && all(c("iCode", "Type") %in% names(framework)) &&
    is.data.frame(data)
  if (!coinr) return(groups)
  extra <- framework$iCode[framework$Type %in% c("Group", "Denominator")]
  union(groups, intersect(names(data), extra))
}

# A column as numbers, text or TRUE/FALSE; factors, dates and other classes as their text.
as_column <- function(x, name, arg) {
  if (is.factor(x)) return(as.character(x))
  if (is.list(x)) bad_argument(arg, sprintf("column '%s' is a list column: give numbers or text", name))
  plain <- is.null(oldClass(x)) && (is.double(x) || is.integer(x) || is.character(x) || is.logical(x))
  if (plain) return(as.vector(x))
  as.character(x)
}

# The result shaped as the input: a tibble for a tibble, a data.table for a data.table.
like <- function(out, data) {
  if (inherits(data, "data.table") && requireNamespace("data.table", quietly = TRUE)) {
    return(data.table::as.data.table(out))
  }
  if (inherits(data, "tbl_df") && requireNamespace("tibble", quietly = TRUE)) {
    return(tibble::as_tibble(out))
  }
  out
}

flag <- function(name, value) {
  if (!is.logical(value) || length(value) != 1L || is.na(value)) {
    bad_argument(name, sprintf("expected TRUE or FALSE, got %s", shown(value)))
  }
  value
}

shown <- function(value) {
  paste(utils::capture.output(utils::str(value, give.attr = FALSE)), collapse = " ")
}

options_list <- function(layout = "auto", groups = character(), delimiter = NULL,
                         lenient = FALSE, ties = NULL, pool_periods = FALSE) {
  if (!is.character(groups)) bad_argument("groups", "expected column names (a character vector)")
  o <- list(layout = layout, groups = I(groups), lenient = flag("lenient", lenient),
            pool_periods = flag("pool_periods", pool_periods))
  if (!is.null(delimiter)) o$delimiter <- delimiter
  if (!is.null(ties)) o$ties <- ties
  o
}
