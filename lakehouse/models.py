# Models arrive with the app's first runs; see DESIGN.md section 3.
