import sys

from nemo.core.cli import main

sys.exit(main())
