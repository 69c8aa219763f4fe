import google.generativeai as genai

model = genai.GenerativeModel("gemini-1.5-flash")


def run(task):
    response = model.generate_content(task)
    # ruleid: eval-of-model-output
    exec(response.text)
