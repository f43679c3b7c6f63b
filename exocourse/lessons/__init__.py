"""What learners run in the lessons: one pure model per topic (data, calculations, text; what assignments import),
its widgets in views/ under the same name (what lessons import), the widget toolkit (ui, slider, plots) and the
evaluation form. Imports only the core (exocourse.data, .paths, .errors, .answers, .currency, .manifest); never
grading or instructor code."""
