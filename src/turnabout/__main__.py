import sys

from turnabout.cli import main

sys.exit(main())
