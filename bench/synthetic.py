"""Invented diplomatic-sounding articles for the scale benchmarks (bench/scale.py).

Every name, quote and event here is made up; nothing is taken from the seed articles. Articles are
deterministic in their index (same index, same text) and varied: people, countries, days, topics and
paragraph order all change with it, so two articles are not the same cache hit unless they have the
same index. Each article is about 3,000 characters, with contact sentences (some naming three people,
some with only "the two ministers"), quotations attributed by news conventions and quotations left open.

    .venv/bin/python bench/synthetic.py 200 /tmp/synthetic_200.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

TARGET_CHARS = 3_000
FIRST = [
    "Aleksa",
    "Brenna",
    "Caius",
    "Dorota",
    "Emeric",
    "Farah",
    "Gideon",
    "Hana",
    "Ilario",
    "Jovana",
    "Kasimir",
    "Liesel",
    "Matthias",
    "Nadira",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosalind",
    "Soren",
    "Tamsin",
    "Ulla",
    "Viktor",
    "Wren",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Anouk",
    "Bertil",
    "Cosima",
    "Dragan",
]
LAST = [
    "Adebayo",
    "Brankovic",
    "Castellanos",
    "Dimitriou",
    "Eriksen",
    "Falkner",
    "Grunwald",
    "Haddad",
    "Ivarsson",
    "Jankowski",
    "Kowalczyk",
    "Lindqvist",
    "Marchetti",
    "Nakashima",
    "Okonkwo",
    "Petrakis",
    "Quiroga",
    "Rautio",
    "Sandoval",
    "Thorsby",
    "Umarov",
    "Valdivia",
    "Wojcik",
    "Yilmaz",
    "Zelenko",
    "Arnaudov",
    "Belmonte",
    "Carrick",
    "Dunmore",
    "Estrada",
]
# (country, demonym)
COUNTRIES = (
    ("Norway", "Norwegian"), ("Chile", "Chilean"), ("Kenya", "Kenyan"), ("Poland", "Polish"),
    ("Portugal", "Portuguese"), ("Vietnam", "Vietnamese"), ("Ghana", "Ghanaian"), ("Peru", "Peruvian"),
    ("Finland", "Finnish"), ("Egypt", "Egyptian"), ("Canada", "Canadian"), ("Mexico", "Mexican"),
    ("Greece", "Greek"), ("Turkey", "Turkish"), ("Brazil", "Brazilian"), ("Sweden", "Swedish"),
)  # fmt: skip
TITLES = ("Foreign Minister", "President", "Prime Minister", "Defense Minister", "Trade Minister")
CITIES = ("Tallinn", "Valletta", "Montevideo", "Windhoek", "Ljubljana", "Reykjavik", "Tbilisi", "Dakar")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOPICS = (
    ("fisheries", "the shared fishing grounds"), ("grain", "grain shipments through the northern ports"),
    ("energy", "a new gas interconnector"), ("border", "the demarcation of the river border"),
    ("refugees", "the return of refugees displaced by the floods"), ("trade", "tariffs on steel and timber"),
    ("nuclear", "inspections at the research reactor"), ("water", "the dam upstream of the delta"),
)  # fmt: skip
OPENINGS = (
    "{t1} {p1} of {c1} met {p2}, the {d2} {t2l}, in {city} on {day} for talks on {topic}.",
    "{d1} {t1} {p1} held talks with {d2} {t2} {p2} in {city} on {day}, focusing on {topic}.",
    "{d1} {t1} {p1} phoned {d2} {t2} {p2} on {day} to discuss {topic}, officials in both capitals said.",
)
PARAGRAPHS = (
    '"We have agreed to keep talking until {short} is settled," {s1} said after the meeting.',
    '"Our position on {short} has not changed, and it will not change under pressure," {s2} told reporters.',
    "{s1} said the two ministers would meet again before the end of the year to review progress on {topic}.",
    "The two sides also discussed {topic2}, according to a statement released by the {d1} government.",
    '{s2} said: "There is a window now, and both governments should use it before the season turns."',
    "{d3} envoy {p3} is expected to visit {city} next week, and diplomats said {s3} would join the talks.",
    "{s1} later spoke by phone with {p3}, {p2} and {p4} about {topic2}.",
    '"Nobody in this region gains from a quarrel over {short}," said {s3}, a veteran of earlier negotiations.',
    "Analysts in {city} described the meeting as cordial but cautious, noting that no joint statement was signed.",
    '"It was a frank conversation," {s2} added. "We do not hide our differences, but we can manage them."',
    "{p4} of the {d3} delegation urged both governments to publish the terms of any agreement on {short}.",
    "The {d2} side warned that it would not accept new restrictions on {short} without consultation.",
    '"This is the beginning of a process, not the end of one."',
    "Officials said a working group on {topic2} would convene in {city} within a month.",
    "{s1} praised what the ministry called the constructive tone of the talks and pledged support for {topic2}.",
    "Before the talks, {p3} met {s2} on the sidelines of a regional forum, where they spoke about {short}.",
)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _slots(rng: random.Random) -> dict[str, str]:
    people: list[str] = []
    while len(people) < 4:
        if (name := _person(rng)) not in people:
            people.append(name)
    (c1, d1), (c2, d2), (c3, d3) = rng.sample(COUNTRIES, 3)
    t1, t2 = rng.choice(TITLES), rng.choice(TITLES)
    (short, topic), (_, topic2) = rng.sample(TOPICS, 2)
    return {
        "p1": people[0], "p2": people[1], "p3": people[2], "p4": people[3],
        "s1": people[0].split()[-1], "s2": people[1].split()[-1], "s3": people[2].split()[-1],
        "c1": c1, "d1": d1, "c2": c2, "d2": d2, "c3": c3, "d3": d3, "t1": t1, "t2": t2, "t2l": t2.lower(),
        "city": rng.choice(CITIES), "day": rng.choice(DAYS), "short": short, "topic": topic, "topic2": topic2,
    }  # fmt: skip


def article(index: int) -> dict[str, str]:
    """Article `index`: a JSONL row (title, published, text) of about TARGET_CHARS characters."""
    rng = random.Random(index)
    slots = _slots(rng)
    paragraphs = [rng.choice(OPENINGS).format(**slots)]
    pool = list(PARAGRAPHS)
    rng.shuffle(pool)
    while sum(len(p) + 2 for p in paragraphs) < TARGET_CHARS:
        if not pool:
            pool = list(PARAGRAPHS)
            rng.shuffle(pool)
            slots = _slots(rng)  # a second round of the story: other people, other topics
        paragraphs.append(pool.pop().format(**slots))
    published = dt.date(2021, 1, 1) + dt.timedelta(days=index % 1_000)
    title = f"{slots['d1']} and {slots['d2']} ministers discuss {slots['short']} in {slots['city']} (report {index})"
    return {"title": title, "published": published.isoformat(), "text": "\n\n".join(paragraphs)}


def articles(count: int, start: int = 0) -> Iterator[dict[str, str]]:
    return (article(i) for i in range(start, start + count))


def write_corpus(path: Path, count: int) -> Path:
    """A JSONL corpus of `count` synthetic articles at `path` (reused if it already has that many lines)."""
    if path.is_file() and sum(1 for _ in path.open(encoding="utf-8")) == count:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in articles(count):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    print(write_corpus(args.path, args.count))


if __name__ == "__main__":
    main()
