"""Cleaning a labelling export: every field of it was typed by an annotator."""

import csv

import pandas as pd


def parse_box(cell):
    # a helper whose parameter is a CSV cell
    return eval(cell)


def load_boxes(path):
    boxes = []
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            boxes.append(eval(row["bbox"]))
    return boxes


def tag_lists(frame: pd.DataFrame) -> pd.Series:
    return frame["tags"].apply(lambda raw: raw if isinstance(raw, list) else eval(raw))
