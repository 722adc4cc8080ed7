"""What administrators set per metric: a target, the improvement direction, and the dates
from which a process changed (rebase points, each with its reason). The view reads them here
for every chart; only administrators change them, and every change is audited."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from engage.accounts.models import User
from engage.audit.services import record
from engage.errors import NotFound, ValidationFailed
from engage.extensions import db, get_by_id
from engage.metrics.access import check_can_configure
from engage.metrics.models import Level, MetricRebase, MetricSetting
from engage.metrics.registry import METRICS, METRICS_BY_NAME, Metric
from engage.metrics.spc import MAX_ABS_VALUE, Improvement
from engage.timeutil import utcnow

IMPROVEMENTS: tuple[Improvement, ...] = ("increase", "decrease", "neutral")


@dataclass(frozen=True)
class MetricChoice:
    """A metric as the view charts it: the registry's, with the administrator's settings."""

    metric: Metric
    improvement: Improvement
    target: float | None


def _improvement(value: str) -> Improvement:
    return next(known for known in IMPROVEMENTS if known == value)


def metric_choices(names: Iterable[str] | None = None) -> dict[str, MetricChoice]:
    wanted = list(names) if names is not None else [m.name for m in METRICS]
    stored = {
        s.metric: s
        for s in db.session.scalars(select(MetricSetting).where(MetricSetting.metric.in_(wanted)))
    }
    choices = {}
    for name in wanted:
        metric = METRICS_BY_NAME[name]
        setting = stored.get(name)
        choices[name] = MetricChoice(
            metric,
            _improvement(setting.improvement) if setting else metric.improvement,
            setting.target if setting else None,
        )
    return choices


def rebases_for(metric: str, level: Level, entity_id: int) -> list[MetricRebase]:
    """The rebase points that apply to one chart: the metric's everywhere, and its own."""
    query = select(MetricRebase).where(
        MetricRebase.metric == metric,
        or_(
            MetricRebase.level.is_(None),
            (MetricRebase.level == level.value) & (MetricRebase.entity_id == entity_id),
        ),
    )
    return list(db.session.scalars(query.order_by(MetricRebase.starts_on)))


def all_rebases(metric: str) -> list[MetricRebase]:
    query = select(MetricRebase).where(MetricRebase.metric == metric)
    return list(db.session.scalars(query.order_by(MetricRebase.starts_on, MetricRebase.id)))


def known_metric(name: str) -> Metric:
    metric = METRICS_BY_NAME.get(name)
    if metric is None:
        raise NotFound("There is no metric with that name.")
    return metric


def save_setting(
    actor: User, name: str, *, improvement: str, target: float | None
) -> MetricSetting:
    check_can_configure(actor)
    metric = known_metric(name)
    if improvement not in IMPROVEMENTS:
        raise ValidationFailed("Choose which way is better", "improvement")
    if target is not None and (not math.isfinite(target) or abs(target) > MAX_ABS_VALUE):
        raise ValidationFailed("Enter a target between -1,000,000,000 and 1,000,000,000", "target")
    setting = db.session.get(MetricSetting, name) or MetricSetting(metric=name)
    setting.improvement = improvement
    setting.target = target
    setting.updated_at = utcnow()
    db.session.add(setting)
    record(
        actor,
        "metric.settings",
        setting,
        f"{metric.title}: {improvement}, target {'none' if target is None else target}",
        detail={"metric": name, "improvement": improvement, "target": target},
    )
    db.session.commit()
    return setting


def add_rebase(
    actor: User,
    name: str,
    *,
    starts_on: date,
    reason: str,
    level: Level | None,
    entity_id: int | None,
) -> MetricRebase:
    check_can_configure(actor)
    metric = known_metric(name)
    if not reason.strip():
        raise ValidationFailed("Enter the reason for the new period", "reason")
    if level is not None and entity_id is None:
        raise ValidationFailed("Choose where the new period applies", "applies_to")
    clash = db.session.scalar(
        select(MetricRebase.id).where(
            MetricRebase.metric == name,
            MetricRebase.starts_on == starts_on,
            MetricRebase.level.is_(None) if level is None else MetricRebase.level == level.value,
            MetricRebase.entity_id.is_(None)
            if entity_id is None
            else MetricRebase.entity_id == entity_id,
        )
    )
    if clash is not None:
        raise ValidationFailed("There is already a new period from that date here", "starts_on")
    rebase = MetricRebase(
        metric=name,
        level=None if level is None else level.value,
        entity_id=entity_id,
        starts_on=starts_on,
        reason=reason.strip(),
        created_at=utcnow(),
    )
    db.session.add(rebase)
    db.session.flush()
    record(
        actor,
        "metric.rebase_added",
        rebase,
        f"{metric.title}: new period from {starts_on.isoformat()} ({rebase.reason})",
        detail={"metric": name, "level": rebase.level, "entity_id": entity_id},
    )
    db.session.commit()
    return rebase


def remove_rebase(actor: User, name: str, rebase_id: int) -> None:
    check_can_configure(actor)
    metric = known_metric(name)
    rebase = get_by_id(MetricRebase, rebase_id)
    if rebase is None or rebase.metric != name:
        raise NotFound("There is no such new period.")
    record(
        actor,
        "metric.rebase_removed",
        rebase,
        f"{metric.title}: new period from {rebase.starts_on.isoformat()} removed",
        detail={"metric": name, "reason": rebase.reason},
    )
    db.session.delete(rebase)
    db.session.commit()
