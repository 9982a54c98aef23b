package web

// StatusWords exposes statusWords to the external tests of the results page.
var StatusWords = statusWords
