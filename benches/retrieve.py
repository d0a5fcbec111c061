"""Driver of benches/retrieve.sh (see there). Argument: the cargo release directory."""
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

release = sys.argv[1]
server_bin = os.path.join(release, "lcsession-testserver")
gen_bin = os.path.join(release, "lcsession-gen")
bench_bin = os.path.join(release, "examples", "retrieve_bench")
cli_bin = os.path.join(release, "lcsession")
RUNS = int(os.environ.get("RETRIEVE_RUNS", "21"))
LIMIT = 1.3


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def start_server(path):
    proc = subprocess.Popen([server_bin, path], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = proc.stdout.readline().strip()
    if not base.startswith("http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"retrieve.sh: server did not start: {base!r}")
    return proc, base


def stop_server(proc):
    """Closes the server's stdin; returns its final line: 'N requests on M connections'."""
    _, err = proc.communicate(timeout=30)
    return err.strip().splitlines()[-1] if err.strip() else ""


def wall(cmd, env=None):
    """Wall time of one run of `cmd`, and its CPU time (user + system)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return elapsed, cpu


def server_cpu(proc):
    """CPU seconds (user + system) the server process has used so far."""
    with open(f"/proc/{proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


with tempfile.TemporaryDirectory() as tmp:
    dump = os.path.join(tmp, "session-20m.json")
    subprocess.run([gen_bin, "long-texts", "--bytes", "20M", "--out", dump], check=True)
    size = os.path.getsize(dump)
    proc, base = start_server(dump)
    url = f"{base}/api/v1/chat/ses-bench"
    curl = ["curl", "-s", "-o", "/dev/null", "--fail", url]
    ours = [bench_bin, base, "ses-bench", "1"]
    only = dict(os.environ, RETRIEVE_ONLY="1")
    seq = dict(os.environ, RETRIEVE_SEQUENTIAL="1")
    streaming = dict(os.environ, RETRIEVE_STREAMING="1")
    # The shell's way: validated (decoded while it arrives), then the bytes printed.
    cli = [cli_bin, "retrieve", "ses-bench", "--base-url", base, "--api-key", "bench",
           "--max-retries", "0", "--format", "raw"]
    for _ in range(3):  # warm the page cache and the server
        wall(curl)
        wall(ours)
    log(f"timing {RUNS} alternating runs of curl and retrieve_bench on {size} bytes")
    t_curl, t_ours, t_only, t_seq, t_cli, t_stream = [], [], [], [], [], []
    srv_curl = srv_ours = srv_stream = 0.0
    for _ in range(RUNS):
        s0 = server_cpu(proc)
        t_curl.append(wall(curl))
        s1 = server_cpu(proc)
        t_ours.append(wall(ours))
        s2 = server_cpu(proc)
        t_only.append(wall(ours, only))
        t_seq.append(wall(ours, seq))
        t_cli.append(wall(cli))
        s3 = server_cpu(proc)
        t_stream.append(wall(ours, streaming))
        s4 = server_cpu(proc)
        srv_curl += s1 - s0
        srv_ours += s2 - s1
        srv_stream += s4 - s3
    stop_server(proc)
    # CPU times: the process itself (medians), the server's share per fetch (mean; clock ticks).
    cpu_curl = statistics.median(c for _, c in t_curl)
    cpu_ours = statistics.median(c for _, c in t_ours)
    cpu_only = statistics.median(c for _, c in t_only)
    cpu_seq = statistics.median(c for _, c in t_seq)
    cpu_cli = statistics.median(c for _, c in t_cli)
    cpu_stream = statistics.median(c for _, c in t_stream)
    srv_curl, srv_ours, srv_stream = srv_curl / RUNS, srv_ours / RUNS, srv_stream / RUNS
    t_curl = [w for w, _ in t_curl]
    t_ours = [w for w, _ in t_ours]
    t_only = [w for w, _ in t_only]
    t_seq = [w for w, _ in t_seq]
    t_cli = [w for w, _ in t_cli]
    t_stream = [w for w, _ in t_stream]

    # 100 sequential retrieves on one client, in one process, on a fresh server.
    proc, base = start_server(dump)
    out = subprocess.run([bench_bin, base, "ses-bench", "100"], check=True,
                         capture_output=True, text=True).stdout.split()
    counts = stop_server(proc)
    per_call = [float(x) for x in out[0::4]]
    events = out[2]

cpu = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                     text=True).stdout.strip()
med_curl, med_ours = statistics.median(t_curl), statistics.median(t_ours)
ratio = med_ours / med_curl
min_ratio = min(t_ours) / min(t_curl)
mib = size / 2**20
one_conn = counts.endswith("on 1 connections")
print("# lcsession retrieve benchmark")
print()
print(f"- machine: {cpu or 'unknown CPU'}, {os.cpu_count()} logical cores ({platform.system()} {platform.machine()})")
print(f"- commit: {git}; date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
print(f"- input: generated long-texts session, {size} bytes ({mib:.1f} MiB), {events} events, served by lcsession-testserver on 127.0.0.1 (Content-Length)")
print()
print("| what | median | fastest | MiB/s (median) | CPU of the process (median) | server CPU per fetch (mean) |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| `curl -s -o /dev/null` (process) | {med_curl*1e3:.1f} ms | {min(t_curl)*1e3:.1f} ms | {mib/med_curl:.0f} | {cpu_curl*1e3:.0f} ms | {srv_curl*1e3:.0f} ms |")
print(f"| `retrieve_bench` retrieve + full decode while receiving (`retrieve_visiting`, process) | {med_ours*1e3:.1f} ms | {min(t_ours)*1e3:.1f} ms | {mib/med_ours:.0f} | {cpu_ours*1e3:.0f} ms | {srv_ours*1e3:.0f} ms |")
print(f"| `retrieve_bench` retrieve + full decode while receiving, in bounded memory (`retrieve_streaming`: the body is not kept; process; info) | {statistics.median(t_stream)*1e3:.1f} ms | {min(t_stream)*1e3:.1f} ms | {mib/statistics.median(t_stream):.0f} | {cpu_stream*1e3:.0f} ms | {srv_stream*1e3:.0f} ms |")
print(f"| `retrieve_bench` retrieve, then full decode (`retrieve` + `parse_visiting`, process; info) | {statistics.median(t_seq)*1e3:.1f} ms | {min(t_seq)*1e3:.1f} ms | {mib/statistics.median(t_seq):.0f} | {cpu_seq*1e3:.0f} ms | |")
print(f"| `retrieve_bench` retrieve only, no decode (process; info) | {statistics.median(t_only)*1e3:.1f} ms | {min(t_only)*1e3:.1f} ms | {mib/statistics.median(t_only):.0f} | {cpu_only*1e3:.0f} ms | |")
print(f"| `lcsession retrieve --format raw` (CLI process: validated while receiving, then printed to /dev/null; info) | {statistics.median(t_cli)*1e3:.1f} ms | {min(t_cli)*1e3:.1f} ms | {mib/statistics.median(t_cli):.0f} | {cpu_cli*1e3:.0f} ms | |")
print(f"| retrieve + full decode while receiving, one client, in process (100 calls) | {statistics.median(per_call)*1e3:.1f} ms | {min(per_call)*1e3:.1f} ms | {mib/statistics.median(per_call):.0f} | | |")
print()
print("| requirement | result | measured |")
print("|---|---|---|")
# Both ratios must hold: on a busy machine a noisy median alone can pass or fail by chance.
verdict = "PASS" if ratio <= LIMIT and min_ratio <= LIMIT else "FAIL"
print(f"| retrieve + decode <= {LIMIT}x curl (median and fastest runs) | **{verdict}** | {ratio:.2f}x (median of {RUNS}); fastest runs {min_ratio:.2f}x |")
verdict = "PASS" if one_conn else "FAIL"
cores = os.cpu_count() or 1
print(f"| 100 sequential retrieves, one TCP connection | **{verdict}** | server: {counts} |")
print()
print(f"CPU times are user + system from the kernel's accounting (clock-tick resolution for the server). "
      f"The server runs on the same {cores} cores: with all work perfectly parallel, a fetch cannot take less "
      f"wall time than (process CPU + server CPU) / {cores}: {(cpu_curl + srv_curl) / cores * 1e3:.1f} ms for curl, "
      f"{(cpu_ours + srv_ours) / cores * 1e3:.1f} ms for retrieve + decode.")
