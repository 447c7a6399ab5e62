"""The evaluator: answers computed exactly as Azure would (standard library only).

peering.py  link states, sync levels, gateway transit, can-peer (PEER-*, ADDR-*)
routes.py   effective routes and route selection (RT-*)
nsg.py      NSG evaluation, service tags, IP flow verify, effective rules (NSG-*, NW-01, NW-04)
trace.py    the hop-by-hop packet walk of azure-rules.md section 10 (reach)
"""
