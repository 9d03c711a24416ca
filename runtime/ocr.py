"""Screen OCR for screens whose UI tree is empty or useless (games, canvases, web views).

Runs the PP-OCR det/cls/rec ONNX models shipped in rapidocr-onnxruntime, with threads and
CUDA/DirectML use taken from our provider chooser (rapidocr's engine knows no other providers),
and returns text boxes in screen pixels that map onto ``Screen`` elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.screen import Element, Screen
from pocketpilot.runtime.errors import OCRError
from pocketpilot.runtime.onnx_providers import OnnxSettings, choose_providers


@dataclass(frozen=True)
class TextBox:
    text: str
    score: float
    bounds: Bounds

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "score": self.score, "bounds": self.bounds.as_list()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextBox:
        left, top, right, bottom = data["bounds"]
        return cls(data["text"], float(data["score"]), Bounds(left, top, right, bottom))


def ocr_model_paths() -> dict[str, Path]:
    """The PP-OCR models rapidocr-onnxruntime ships (det, cls, rec)."""
    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    found = {kind: next(iter(sorted(models.glob(f"*_{kind}_infer.onnx"))), None)
             for kind in ("det", "cls", "rec")}
    missing = [k for k, v in found.items() if v is None]
    if missing:
        raise OCRError(f"rapidocr-onnxruntime lacks its {missing} models in {models}; reinstall it")
    return {k: v for k, v in found.items() if v is not None}


class ScreenOCR:
    """``ScreenOCR().read(image)`` -> text boxes; load happens on first use."""

    def __init__(self, settings: OnnxSettings | None = None, *, min_score: float = 0.5,
                 on_event: EventSink | None = None) -> None:
        self.settings = settings or OnnxSettings()
        self.min_score = min_score
        self.emit = on_event or discard
        self._engine: Any = None

    def load(self) -> ScreenOCR:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR

            providers = list(self.settings.providers or choose_providers())
            ocr_model_paths()  # fail early and clearly when the models are missing
            self._engine = RapidOCR(
                intra_op_num_threads=self.settings.intra_op_threads,
                inter_op_num_threads=self.settings.inter_op_threads,
                det_use_cuda="CUDAExecutionProvider" in providers,
                cls_use_cuda="CUDAExecutionProvider" in providers,
                rec_use_cuda="CUDAExecutionProvider" in providers,
                det_use_dml="DmlExecutionProvider" in providers,
                cls_use_dml="DmlExecutionProvider" in providers,
                rec_use_dml="DmlExecutionProvider" in providers,
            )
        return self

    def read(self, image: Any) -> list[TextBox]:
        """Text boxes in image pixels, top-to-bottom then left-to-right."""
        self.load()
        try:
            result, _ = self._engine(_as_array(image))
        except Exception as exc:  # rapidocr raises assorted types for unreadable input
            raise OCRError(f"OCR failed on the screenshot: {exc}") from exc
        boxes = []
        for points, text, score in result or ():
            xs = [round(float(p[0])) for p in points]
            ys = [round(float(p[1])) for p in points]
            if float(score) >= self.min_score and text.strip():
                boxes.append(TextBox(text.strip(), float(score), Bounds(min(xs), min(ys), max(xs), max(ys))))
        boxes.sort(key=lambda b: (b.bounds.top, b.bounds.left))
        self.emit(Event("ocr.read", {"boxes": len(boxes)}))
        return boxes


def match_elements(screen: Screen, boxes: list[TextBox]) -> list[tuple[TextBox, Element | None]]:
    """Each box with the smallest screen element containing its centre (None if no element)."""
    out = []
    for box in boxes:
        x, y = box.bounds.center
        hits = [e for e in screen.elements if e.bounds.contains(x, y)]
        out.append((box, min(hits, key=lambda e: e.bounds.area, default=None)))
    return out


def boxes_as_elements(boxes: list[TextBox], first_id: int = 1) -> list[Element]:
    """Synthetic tappable elements for screens whose UI tree has none."""
    return [
        Element(id=first_id + i, node=-1, text=b.text, desc="ocr", resource_id="",
                class_name="ocr.Text", bounds=b.bounds, label=b.text, clickable=True,
                long_clickable=False, scrollable=False, editable=False, checkable=False,
                checked=False, selected=False, focused=False, enabled=True, password=False)
        for i, b in enumerate(boxes)
    ]


def _as_array(image: Any) -> Any:
    import numpy as np

    if isinstance(image, (str, Path)):
        from PIL import Image

        image = Image.open(image)
    if hasattr(image, "convert"):  # PIL image: RapidOCR expects BGR like cv2
        image = np.asarray(image.convert("RGB"))[:, :, ::-1].copy()
    return image
