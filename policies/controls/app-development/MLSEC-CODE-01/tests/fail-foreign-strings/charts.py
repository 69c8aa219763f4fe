"""A text-to-chart helper: the plotting code comes back from another method."""


class ChartBuilder:
    def __init__(self, backend):
        self.backend = backend

    def ask(self, question):
        return self.backend.submit(question)

    def figure(self, question, frame):
        plotting_code = self.ask(question)
        scope = {"frame": frame}
        exec(plotting_code, scope)
        return scope.get("figure")

    def filter_rows(self, condition, rows):
        # condition.value is the right-hand side of a parsed WHERE clause
        wanted = eval(condition.value)
        return [row for row in rows if row == wanted]
