"""A module with its own function called eval: not the builtin."""


def eval(expression, table):
    return table[expression]


def lookup(key, table):
    return eval(key, table)
