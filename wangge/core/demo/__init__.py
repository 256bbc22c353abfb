"""The demo street (`wangge demo`): a synthetic 祥鹿街道 at the scale of the reports.

- names.py: word lists and the name picker
- layout.py: areas, command zones, estates, buildings, units, flats (pure planning)
- people.py: families, ages, ID numbers, phones, special groups (pure planning)
- plan.py: plan_street(seed, scale) -> StreetPlan, with the leaders
- build.py: build_demo(...) writes a plan in one transaction
- users.py: one demo account per role; wipe.py: emptying the registry for --force
"""
