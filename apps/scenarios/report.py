"""``--report DIR``: a Markdown table and a PNG bar chart comparing configurations per category."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

COLOURS = ((66, 133, 244), (234, 67, 53), (251, 188, 5), (52, 168, 83))
ROWS = (("success_rate", "success"), ("avg_steps", "steps"), ("avg_optimal_steps", "optimal"),
        ("avg_llm_calls", "LLM calls"), ("avg_prompt_tokens", "prompt tokens"), ("avg_seconds", "seconds"),
        ("avg_energy_j", "energy J (est.)"))


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
    lines += ["", "## Scenarios", "", "| scenario | category | config | success | failure | steps | optimal |",
              "|---|---|---|---|---|---|---|"]
    for r in summary["scenarios"]:
        lines.append(f"| {r['scenario']} | {r['category']} | {r['config']} | {'yes' if r['success'] else 'no'} | "
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
