"""The what-if wing: scenario files, sweep knobs, and how plans compare.

It runs no solver: ``visits.compare`` plans the variants (through
``visits.jobs``) and hands the schedules to the figures, bottlenecks and
sentences here; ``exports.whatif`` draws the report types of ``report``.
"""
