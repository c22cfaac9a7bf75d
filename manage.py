#!/usr/bin/env python3
from haoban.cli import main

if __name__ == "__main__":
    main()
