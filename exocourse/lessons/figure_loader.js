// The browser side of the lessons' figures (exocourse/lessons/figure.py): plotly's own FigureWidget script,
// loaded once per page however many figures the page has, and outside anywidget's 2-second deadline.
//
// anywidget gives a widget model 2 s to load its script and initialize ("[anywidget] Failed to initialize
// model."), and loads each model's script afresh. plotly's script is 4.9 MB, so on a busy machine a lesson's
// figures missed the deadline and stayed empty frames that ignored their controls. Here each figure's script is
// this small file; plotly's script is imported once per page and version, and each figure is initialized when
// it has arrived. Traces the kernel changed meanwhile are not lost: a figure's whole state is sent when it is
// shown (Figure.send_whole).

const LOADED = Symbol.for("exocourse.plotly-figure-widget");

function plotlyWidgetModule(model) {
  const modules = (globalThis[LOADED] ??= new Map());
  const version = model.get("_plotly_version");
  if (!modules.has(version)) {
    const url = URL.createObjectURL(new Blob([model.get("_plotly_bundle")], { type: "text/javascript" }));
    modules.set(version, import(/* webpackIgnore: true */ url).finally(() => URL.revokeObjectURL(url)));
  }
  return modules.get(version);
}

export default () => {
  let widget; // this figure's plotly widget, once plotly's script is loaded and the figure initialized
  return {
    initialize(context) {
      widget = plotlyWidgetModule(context.model).then((module) => {
        const figure = module.default();
        figure.initialize(context);
        return figure;
      }); // not awaited: anywidget fails a model whose initialize takes over 2 s
    },
    async render(context) {
      return (await widget).render(context);
    },
  };
};
