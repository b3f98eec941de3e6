"""One store used from several threads."""
import subprocess
import sys

from conftest import DATA, PACKAGE

# Runs in a child: a call racing a close would crash the interpreter.
CLOSE_WHILE_IN_USE = r"""
import sys, threading, time
sys.path.insert(0, sys.argv[1])
import pandas as pd
import voronka
events = pd.read_csv(sys.argv[2] + "/events.csv")
copies = pd.concat([events.assign(event_id=events.event_id.astype(str) + f"-{i}",
                                  deal_id=events.deal_id + f"-{i}") for i in range(1000)])
store = voronka.Store.memory()
store.add_process(voronka.store.Path(sys.argv[2] + "/sale.json"))
assert store.append_events(copies).rejected == 0
outcomes = []
def use():
    calls = (lambda: store.history(by="owner"), lambda: store.partial("conversion"),
             lambda: store.stats())
    try:
        while True:
            for call in calls:
                call()
    except voronka.InvalidArgumentError as error:
        outcomes.append(str(error))
threads = [threading.Thread(target=use) for _ in range(4)]
for thread in threads:
    thread.start()
time.sleep(0.2)
store.close()
for thread in threads:
    thread.join()
print(sorted(set(outcomes)), len(outcomes))
"""


def test_closing_waits_for_the_calls_in_progress():
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", CLOSE_WHILE_IN_USE, str(PACKAGE), str(DATA)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr[-2000:]
        assert r.stdout == "['the store is closed'] 4\n"
