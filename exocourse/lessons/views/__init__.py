"""The lessons' widgets: one module per topic, named as its model (`views.risk` shows what `exocourse.lessons.risk`
computes). A view builds ipywidgets and plotly figures from the lessons toolkit (`ui`, `plots`, `slider`) and
calls its model for every number and sentence; the model imports no widget library, so graded assignments and
tests use it without one. Heavy libraries load inside each view function, so importing a view is cheap."""
