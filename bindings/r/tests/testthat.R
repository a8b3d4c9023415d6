library(testthat)
library(dti)

test_check("dti")
