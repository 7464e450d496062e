from aac.cli import main

raise SystemExit(main())
