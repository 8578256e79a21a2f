using System.Text.RegularExpressions;

namespace Drover.Testing;

/// <summary>
/// The real kubectl (1.32, preinstalled at /usr/bin/kubectl on this kind of machine; `./build.sh deps` checks it),
/// run against a droverd through the kubeconfig-shaped client config droverd writes. A machine without it fails
/// every test that needs it, loudly, rather than skipping.
/// </summary>
public sealed partial class Kubectl(string kubeconfig)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The kubectl on PATH (or /usr/bin/kubectl); throws with what to install when there is none.</summary>
    public static string Path { get; } = Find();

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(DefaultTimeout, args);

    /// <summary>Runs kubectl to its end; past <paramref name="timeout"/> it is killed and the result says so (exit -1).</summary>
    public Task<CliResult> RunAsync(TimeSpan timeout, params string[] args) => RunAsync(timeout, new Dictionary<string, string>(), args);

    /// <summary>As above, with extra environment variables (KUBE_EDITOR for `edit`).</summary>
    public Task<CliResult> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var info = ProcessRunner.Command(Path, ["--kubeconfig", kubeconfig, .. args]);
        // No cache shared between tests or runs: each sees what this droverd serves now.
        info.Environment["KUBECACHEDIR"] = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(kubeconfig)!, "kubectl-cache");
        info.Environment["HOME"] = System.IO.Path.GetDirectoryName(kubeconfig)!;
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        return ProcessRunner.RunAsync(info, timeout);
    }

    /// <summary>Runs kubectl and fails with both streams unless it exits 0; returns stdout.</summary>
    public async Task<string> SucceedAsync(params string[] args)
    {
        var result = await RunAsync(args).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} failed:\n{result}");
        return result.Stdout;
    }

    /// <summary>The minor version of the installed client ("v1.32.4-dispatcher" → 32).</summary>
    public static async Task<int> ClientMinorAsync()
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command(Path, ["version", "--client"]), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var match = ClientVersion().Match(result.Stdout);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException($"kubectl version --client: {result}");
    }

    private static string Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            var candidate = System.IO.Path.Combine(dir, "kubectl");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("kubectl is not installed: these tests drive the real kubectl 1.32 (run ./build.sh deps; it is preinstalled at /usr/bin/kubectl on the project's machines)");
    }

    [GeneratedRegex(@"Client Version: v1\.(\d+)\.")]
    private static partial Regex ClientVersion();
}
