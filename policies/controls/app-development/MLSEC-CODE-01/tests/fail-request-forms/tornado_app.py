import tornado.web


class Calculator(tornado.web.RequestHandler):
    def post(self):
        # ruleid: eval-of-request-data
        self.write(str(eval(self.request.body)))
