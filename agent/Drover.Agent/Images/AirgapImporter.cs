using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Drover.Agent.Cri;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Images;

/// <summary>
/// Airgap images, as k3s does them: OCI or docker-save archives dropped into DATA_DIR/images/ are imported
/// into containerd's CRI namespace when the agent starts, before any pod runs, so pods with
/// imagePullPolicy IfNotPresent/Never find them on a node that has no registry.
/// </summary>
/// <remarks>
/// CRI has no import call, so this drives containerd's own CLI (<c>ctr images import</c>, shipped with
/// containerd) with the snapshotter the CRI plugin uses: an image unpacked for another snapshotter would
/// be "present" yet not runnable. An archive names its images itself (io.containerd.image.name in OCI
/// layouts, RepoTags in docker-save). Archives already imported (same name, size and mtime) are skipped,
/// so a restart costs nothing; one bad archive is logged and never stops the others or the agent.
/// </remarks>
internal sealed partial class AirgapImporter
{
    public const string CriNamespace = "k8s.io";
    private const string DefaultSnapshotter = "overlayfs";
    private static readonly string[] ArchivePatterns = ["*.tar", "*.tar.gz", "*.tgz", "*.tar.zst"];

    private readonly CriClient _cri;
    private readonly string _socket;
    private readonly string _directory;
    private readonly string _statePath;
    private readonly string _ctrPath;
    private readonly ILogger _logger;

    public AirgapImporter(CriClient cri, string containerdSocket, string dataDirectory, ILogger<AirgapImporter> logger, string ctrPath = "ctr")
    {
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentException.ThrowIfNullOrEmpty(containerdSocket);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        _cri = cri;
        _socket = containerdSocket;
        _directory = Path.Combine(dataDirectory, "images");
        _statePath = Path.Combine(dataDirectory, "images.imported");
        _ctrPath = ctrPath;
        _logger = logger;
    }

    /// <summary>Imports every new or changed archive; returns what happened to each one found.</summary>
    public async Task<IReadOnlyList<AirgapImportResult>> ImportAsync(CancellationToken ct)
    {
        var archives = FindArchives();
        if (archives.Count == 0)
            return [];

        var imported = ImportedArchives.Load(_statePath);
        var results = new List<AirgapImportResult>(archives.Count);
        string? snapshotter = null;
        foreach (var archive in archives)
        {
            var stamp = ArchiveStamp.Of(archive);
            if (imported.Contains(stamp))
            {
                results.Add(new AirgapImportResult(archive.Name, AirgapImportOutcome.AlreadyImported, null));
                continue;
            }

            snapshotter ??= await CriSnapshotterAsync(ct).ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            var (ok, output) = await RunCtrAsync(archive.FullName, snapshotter, ct).ConfigureAwait(false);
            if (ok)
            {
                imported.Add(stamp);
                imported.Save(_statePath);
                Log.Imported(_logger, archive.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ImageNames(output));
                results.Add(new AirgapImportResult(archive.Name, AirgapImportOutcome.Imported, null));
            }
            else
            {
                Log.Failed(_logger, archive.Name, output);
                results.Add(new AirgapImportResult(archive.Name, AirgapImportOutcome.Failed, output));
            }
        }

        return results;
    }

    private List<FileInfo> FindArchives()
    {
        var directory = new DirectoryInfo(_directory);
        if (!directory.Exists)
            return [];
        var archives = ArchivePatterns
            .SelectMany(pattern => directory.EnumerateFiles(pattern))
            .DistinctBy(file => file.FullName, StringComparer.Ordinal)
            .ToList();
        archives.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return archives;
    }

    /// <summary>The CRI plugin's snapshotter, from its verbose status (config.containerd.snapshotter).</summary>
    private async Task<string> CriSnapshotterAsync(CancellationToken ct)
    {
        var status = await _cri.StatusAsync(verbose: true, ct).ConfigureAwait(false);
        if (status.Info.TryGetValue("config", out var config))
        {
            try
            {
                using var document = JsonDocument.Parse(config);
                if (document.RootElement.TryGetProperty("containerd", out var containerd)
                    && containerd.TryGetProperty("snapshotter", out var snapshotter)
                    && snapshotter.GetString() is { Length: > 0 } name)
                    return name;
            }
            catch (JsonException)
            {
                // An unexpected status shape is not worth failing the import over: use containerd's default.
            }
        }

        return DefaultSnapshotter;
    }

    private async Task<(bool Ok, string Output)> RunCtrAsync(string archive, string snapshotter, CancellationToken ct)
    {
        var info = new ProcessStartInfo(_ctrPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--address", _socket, "--namespace", CriNamespace, "images", "import", "--snapshotter", snapshotter, archive })
            info.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (false, $"cannot run '{_ctrPath}' (containerd's CLI, needed to import images): {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = ((await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false))).Trim();
            return process.ExitCode == 0
                ? (true, output)
                : (false, $"ctr exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {output}");
        }
    }

    /// <summary>"unpacking NAME (sha256:…)...done" lines → the names, for the log.</summary>
    private static string ImageNames(string output) =>
        string.Join(", ", output.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("unpacking ", StringComparison.Ordinal))
            .Select(line => line["unpacking ".Length..].Split(' ')[0]));

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "airgap image archive {Archive} imported in {Milliseconds:F0} ms: {Images}")]
        public static partial void Imported(ILogger logger, string archive, double milliseconds, string images);

        [LoggerMessage(Level = LogLevel.Error, Message = "airgap image archive {Archive} was not imported: {Error}")]
        public static partial void Failed(ILogger logger, string archive, string error);
    }
}
