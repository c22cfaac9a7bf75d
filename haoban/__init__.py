"""Haoban (一网好办): an integrated government-services platform."""
