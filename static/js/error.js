// The "page not found" page needs no script; this module exists so every page loads one.
