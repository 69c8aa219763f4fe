import argparse


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", type=str, default="0.0.0.0", help="address to bind")
    parser.add_argument("--port", type=int, default=8080)
    return parser.parse_args()
