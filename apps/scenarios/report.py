"""``--report DIR``: a Markdown table and a PNG bar chart comparing configurations per category;
``overview`` and ``variant_rows`` are the text tables the command prints too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

COLOURS = ((66, 133, 244), (234, 67, 53), (251, 188, 5), (52, 168, 83))
ROWS = (("success_rate", "success"), ("avg_steps", "steps"), ("avg_optimal_steps", "optimal"),
        ("avg_llm_calls", "LLM calls"), ("avg_prompt_tokens", "prompt tokens"), ("avg_seconds", "seconds"),
        ("avg_energy_j", "energy J (est.)"))


OVERVIEW = ("config", "category", "n", "success", "canonical", "paraphrase", "tuning", "evaluation",
            "eval. para.", "claims", "precision", "false succ.", "over-exec.", "steps", "LLM calls", "seconds")


def _rate(block: dict[str, Any] | None) -> str:
    return f"{block['success_rate']:.0%}" if block and block.get("scenarios") else "-"


def _cut(block: dict[str, Any], category: str) -> dict[str, Any] | None:
    return block if category == "all" else block.get("by_category", {}).get(category)


def overview(summary: dict[str, Any]) -> list[list[str]]:
    """One row per configuration and category (``all`` first): success overall, by wording and by
    half, and the honesty counts (claim precision is of the runs that claimed success)."""
    rows = []
    for name, config in summary["configs"].items():
        wording, split = config.get("by_wording", {}), config.get("by_split", {})
        for category in ["all", *config["by_category"]]:
            part = _cut(config, category)
            assert part is not None
            evaluation = split.get("evaluation", {}).get("by_wording", {}).get("paraphrase")
            facts = part["honesty"]
            precision = facts["claim_precision"]
            rows.append([
                name, category, str(part["scenarios"]), _rate(part),
                _rate(_cut(wording.get("canonical", {}), category)),
                _rate(_cut(wording.get("paraphrase", {}), category)),
                _rate(_cut(split.get("tuning", {}), category)), _rate(_cut(split.get("evaluation", {}), category)),
                _rate(_cut(evaluation, category) if evaluation else None),
                str(facts["claims"]), "-" if precision is None else f"{precision:.2f}", str(facts["false_success"]),
                str(facts["over_execution"]), f"{part['avg_steps']:.1f}", f"{part['avg_llm_calls']:.1f}",
                f"{part['avg_seconds']:.2f}",
            ])
    return rows


def variant_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Success per phone variant and category; no rows when one variant ran."""
    categories = list(dict.fromkeys(c for config in summary["configs"].values() for c in config["by_category"]))
    header = ["config", "variant", "n", "success", *categories]
    rows = []
    for name, config in summary["configs"].items():
        variants = config.get("by_variant", {})
        if len(variants) < 2:
            continue
        for variant, block in variants.items():
            rows.append([name, variant, str(block["scenarios"]), _rate(block),
                         *(_rate(block["by_category"].get(c)) for c in categories)])
    return header, rows


def decider_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Per configuration, each decider's share of the steps (model, prior gate, memory path ...)."""
    configs = summary["configs"]
    names = sorted({who for c in configs.values() for who in c.get("deciders", {})})
    rows = [[name, *(f"{c['deciders'][name]['share']:.0%} ({c['deciders'][name]['steps']})"
                     if name in c.get("deciders", {}) else "-" for c in configs.values())] for name in names]
    return ["decider", *configs], rows


def _table(header: list[str] | tuple[str, ...], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(row) + " |" for row in rows)]


def markdown(summary: dict[str, Any]) -> str:
    configs = summary["configs"]
    names = list(configs)
    lines = ["# Scenario replay", "", "| category | metric | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(names)]
    categories = ["all", *dict.fromkeys(c for n in names for c in configs[n]["by_category"])]
    for category in categories:
        for key, title in ROWS:
            cells = []
            for name in names:
                block = configs[name] if category == "all" else configs[name]["by_category"].get(category, {})
                cells.append(str(block.get(key, "-")))
            lines.append(f"| {category} | {title} | " + " | ".join(cells) + " |")
    lines += ["", "## Wording, split and honesty", "",
              "Claims are runs whose agent reported success; precision is the share of them the final "
              "state confirms.", "", *_table(OVERVIEW, overview(summary))]
    header, rows = variant_rows(summary)
    if rows:
        lines += ["", "## By phone variant", "", *_table(header, rows)]
    lines += ["", "## Who decided the steps", "", *_table(*decider_rows(summary))]
    lines += ["", "## Scenarios", "",
              *_table(("scenario", "wording", "variant", "split", "category", "config", "claimed", "success",
                       "failure", "steps", "optimal"), [])]
    for r in summary["scenarios"]:
        wording = r.get("wording", "canonical") + (f" {r['paraphrase']}" if r.get("paraphrase") else "")
        claimed = {True: "yes", False: "no"}.get(r.get("claimed"), "-")
        lines.append(f"| {r['scenario']} | {wording} | {r.get('variant', 0)} | {r.get('split', '')} | "
                     f"{r['category']} | {r['config']} | {claimed} | {'yes' if r['success'] else 'no'} | "
                     f"{r['failure_kind'] or ''} | {r['steps']} | {r['optimal_steps'] or ''} |")
    return "\n".join(lines) + "\n"


def chart(summary: dict[str, Any], width: int = 900, height: int = 420) -> Image.Image:
    """Success rate per category, one bar per configuration."""
    configs = summary["configs"]
    names = list(configs)
    categories = ["all", *dict.fromkeys(c for n in names for c in configs[n]["by_category"])]
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, bottom, top = 60, height - 60, 40
    draw.text((left, 10), "success rate by category", fill="black")
    draw.line((left, top, left, bottom), fill="black")
    draw.line((left, bottom, width - 20, bottom), fill="black")
    for tick in (0.0, 0.5, 1.0):
        y = bottom - tick * (bottom - top)
        draw.text((10, y - 6), f"{tick:.1f}", fill="black")
    group = (width - left - 40) / len(categories)
    bar = group * 0.8 / max(len(names), 1)
    for i, category in enumerate(categories):
        x0 = left + 10 + i * group
        for j, name in enumerate(names):
            block = configs[name] if category == "all" else configs[name]["by_category"].get(category, {})
            rate = float(block.get("success_rate", 0.0))
            x = x0 + j * bar
            draw.rectangle((x, bottom - rate * (bottom - top), x + bar - 2, bottom), fill=COLOURS[j % len(COLOURS)])
        draw.text((x0, bottom + 8), category[:18], fill="black")
    for j, name in enumerate(names):
        draw.rectangle((width - 200, 12 + j * 16, width - 190, 22 + j * 16), fill=COLOURS[j % len(COLOURS)])
        draw.text((width - 184, 10 + j * 16), name, fill="black")
    return image


def write_report(summary: dict[str, Any], directory: str | Path) -> tuple[Path, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    md, png = directory / "report.md", directory / "success_by_category.png"
    md.write_text(markdown(summary) + f"\n![success by category]({png.name})\n", encoding="utf-8")
    chart(summary).save(png)
    return md, png
