import flask
import gradio as gr

app = flask.Flask(__name__)


@app.route("/predict", methods=["POST"])
def predict():
    try:
        return flask.jsonify(model.predict(flask.request.get_json()))
    except Exception as e:
        # ruleid: exception-text-in-server-error
        return flask.jsonify(error="prediction failed", reason=e.args), 500


def answer(question):
    try:
        return model.answer(question)
    except Exception as exc:
        # ruleid: exception-text-in-server-error
        raise gr.Error(f"the model failed: {exc}")


demo = gr.Interface(fn=answer, inputs="text", outputs="text")
