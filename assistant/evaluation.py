"""Evaluation (being written)."""
import argparse


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("questions")


def cli_eval(args: argparse.Namespace) -> int:
    raise SystemExit("eval: not yet built")
