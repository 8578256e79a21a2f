using System.Globalization;
using System.Runtime.InteropServices;
using Drover.Agent.Cri;
using Drover.Api.Client;
using Drover.Bench.Agent;
using Drover.Testing;

// The node-agent benchmark (docs/BENCHMARKS.md, "Agent"): the published droverd and drover-agent against the private
// containerd bench/agent.sh started. Phases, in order: node Ready → settle → memory and a CPU window with no pods → the
// raw CRI floor → bind→Ready for N pods (left running) → settle → memory and a CPU window with N pods. Markdown goes to
// stdout, raw samples and logs to --out. Everything the driver started is stopped in finally blocks; bench/agent.sh
// stops what a killed driver could not (PID files in --work) and the containerd.
// bench/dns.sh: the cluster DNS resolver under dnsperf, no containerd needed.
if (args is ["dns", .. var dnsArgs])
    return await DnsBench.RunAsync(dnsArgs);
// bench/proxy.sh: the service proxy's model, renderer and nft -f at scale, in a network namespace of its own.
if (args is ["proxy-sync", .. var proxyArgs])
    return await ProxySyncBench.RunAsync(proxyArgs);
if (args is ["proxy-propagation", .. var propagationArgs])
    return await ProxyPropagationBench.RunAsync(propagationArgs);
var (options, problem) = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine($"Drover.Bench.Agent: {problem}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
Directory.CreateDirectory(options.OutputDirectory);
Directory.CreateDirectory(options.WorkDirectory);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; Log("interrupted: cleaning up"); cancel.Cancel(); };
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; cancel.Cancel(); });
var ct = cancel.Token;

var results = new RunResults { BinaryBytes = new FileInfo(options.Agent).Length };
var output = options.OutputDirectory;
string Out(string name) => Path.Combine(output, name);
var status = 0;
try
{
    Log("starting droverd");
    await using var droverd = await Droverd.StartAsync(options.Droverd, options.WorkDirectory, output, options.NodeIndex, ct);
    Log("starting drover-agent, waiting for its node to be Ready");
    await using var agent = await AgentDaemon.StartAsync(options.Agent, droverd, options.ContainerdDirectory, options.NodeIndex, options.WorkDirectory, output, options.ResourceMetricsInterval, ct);
    results.NodeReadyMs = agent.StartToReadyMs;
    Log($"node {agent.NodeName} Ready {results.NodeReadyMs:0} ms after the agent started (pid {agent.Pid})");
    BindToReady? bind = null;
    try
    {
        Log($"0 pods: settling {options.Settle.TotalSeconds:0} s, then memory and {options.CpuWindow.TotalSeconds:0} s of CPU");
        await Task.Delay(options.Settle, ct);
        results.MemoryIdle = ProcFs.Memory(agent.Pid);
        var load = Load();
        results.CpuIdle = await CpuWindow.MeasureAsync(agent.Pid, options.CpuWindow, Out("cpu-0pods.txt"), ct);
        results.LoadDuringCpuIdle = $"{load} → {Load()}";
        await File.WriteAllTextAsync(Out("agent-metrics-0pods.txt"), await agent.ScrapeMetricsAsync(ct), ct);

        using var cri = new CriClient(new CriClientOptions { SocketPath = Path.Combine(options.ContainerdDirectory, "containerd.sock") });
        using var http = new PodHttp();
        var floor = new CriFloor(cri, http, Path.Combine(options.WorkDirectory, "floor-logs"), options.NodeIndex);
        Log($"raw CRI floor: 1 warm-up pod, then {options.Pods} sequential pods");
        results.FloorWarmUp = await floor.RunOneAsync("floor-warmup", ct);
        for (var i = 0; i < options.Pods; i++)
            results.Floor.Add(await floor.RunOneAsync($"floor-{i:00}", ct));
        await RawFiles.WriteFloorAsync(Out("floor.tsv"), results.FloorWarmUp, results.Floor, ct);

        Log($"bind→Ready: {options.Pods} sequential pods through droverd and the agent");
        await using var watch = await PodWatch.StartAsync(droverd.Client, BindToReady.Namespace, agent.NodeName, ct);
        bind = new BindToReady(droverd.Client, watch, http, agent.NodeName);
        var uids = Path.Combine(options.WorkDirectory, "pod-uids.txt");
        for (var i = 0; i < options.Pods; i++)
        {
            // Written before anything can fail, so bench/agent.sh can remove the pod's log dir and cgroups if the agent
            // never gets to.
            results.Bind.Add(await bind.RunOneAsync($"bench-{i:00}", uid => File.AppendAllText(uids, uid + "\n"), ct));
        }
        results.PodsRunning = options.Pods;
        await RawFiles.WriteBindAsync(Out("bind.tsv"), results.Bind, ct);

        Log($"{options.Pods} pods: settling {options.Settle.TotalSeconds:0} s, then memory and {options.CpuWindow.TotalSeconds:0} s of CPU");
        await Task.Delay(options.Settle, ct);
        results.MemoryWithPods = ProcFs.Memory(agent.Pid);
        results.DeadReadinessLoopsInWindow = agent.DeadReadinessLoops;
        load = Load();
        results.CpuWithPods = await CpuWindow.MeasureAsync(agent.Pid, options.CpuWindow, Out($"cpu-{options.Pods}pods.txt"), ct);
        results.LoadDuringCpuWithPods = $"{load} → {Load()}";
        await File.WriteAllTextAsync(Out($"agent-metrics-{options.Pods}pods.txt"), await agent.ScrapeMetricsAsync(ct), ct);
    }
    finally
    {
        // Not under the run's token: an interrupted run still has its pods deleted through droverd and torn down by the
        // agent (log dirs, cgroups), before the agent and droverd stop.
        if (bind is not null)
        {
            Log("deleting the pods and waiting for the agent to tear them down");
            try
            {
                await bind.DeleteAllAsync(TimeSpan.FromSeconds(120), CancellationToken.None);
            }
            catch (Exception e) when (e is TimeoutException or ApiClientException)
            {
                results.Problems.Add($"clean-up: {e.Message}");
            }
        }
        (results.AgentErrors, results.AgentWarnings, results.DeadReadinessLoops) = (agent.Errors, agent.Warnings, agent.DeadReadinessLoops);
        Log("stopping drover-agent and droverd");
    }
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    results.Problems.Add("interrupted before the run finished: the figures below are partial");
    status = 130;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    results.Problems.Add($"the run failed: {e.GetType().Name}: {e.Message}");
    Log(e.ToString());
    status = 1;
}

await RawFiles.WriteJsonAsync(Out("agent-results.json"), results, CancellationToken.None);
Console.Write(Report.Markdown(results, options));
return status;

static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
