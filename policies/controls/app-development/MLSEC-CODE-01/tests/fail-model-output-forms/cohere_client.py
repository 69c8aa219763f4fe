import builtins

import cohere

co = cohere.Client()


def run(prompt):
    generation = co.generate(prompt=prompt)
    # ruleid: eval-of-model-output
    return builtins.eval(generation.generations[0].text)
