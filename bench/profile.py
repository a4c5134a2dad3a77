"""Profile one page of the benchmark data with pyinstrument: where the time of a request goes.

    .venv/bin/python -m bench.profile /dashboard/?year=2023 [--who leader] [--size county]
                     [--database sqlite|postgres] [--post] [--repeat 5] [--html out.html]

The data must exist (run `make bench` once, or `python -m bench.run --size county --only none`).
`--who` is one of bench.sizes.BENCH_USERS; `--post` sends the liaison's monthly form (rolled back).
"""

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--who", default="office")
    parser.add_argument("--size", default="county")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument("--post", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench.run import CACHE, LOCAL_POSTGRES, _with_database
    from bench.sizes import cache_name, pg_database_name

    if args.database == "sqlite":
        url = f"sqlite:///{CACHE / (cache_name(args.size, args.seed) + '.sqlite3')}"
    else:
        url = _with_database(args.postgres or LOCAL_POSTGRES, pg_database_name(args.size, args.seed))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from pyinstrument import Profiler

    from bench.measure import Bench
    from bench.pages import FORM_ENCODED
    from bench.timing import _rolled_back

    bench = Bench(size=args.size, quick=True)
    client = bench.clients[args.who]
    data = bench.form_post_data() if args.post else None

    def once():
        if data is None:
            return client.get(args.url).status_code
        with _rolled_back():
            return client.post(args.url, urlencode(data), content_type=FORM_ENCODED).status_code

    print("状态码", once())  # warm up
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.repeat):
        once()
    profiler.stop()
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
