namespace Drover.Testing;

/// <summary>
/// The release directory `./build.sh publish` assembles (artifacts/release/drover-linux-x64: install.sh, bin/,
/// images/, packaging/, examples/), and a way to run its install.sh as a user would.
/// </summary>
public static class ReleaseDirectory
{
    public static string Path { get; } = System.IO.Path.Combine(RepoPaths.Root, "artifacts", "release", "drover-linux-x64");

    public static string InstallScript => System.IO.Path.Combine(Path, "install.sh");

    /// <summary>Throws naming what is missing, so a test without a release fails loudly instead of skipping.</summary>
    public static void RequirePublished()
    {
        foreach (var file in new[] { "install.sh", "bin/droverd", "bin/drover-agent", "bin/drover-ingress", "bin/drover", "images/images.list" })
        {
            var full = System.IO.Path.Combine(Path, file);
            if (!File.Exists(full))
                throw new FileNotFoundException($"{full} is missing: run ./build.sh publish (./build.sh test does) first", full);
        }
    }

    /// <summary>Runs <c>bash install.sh ARGS</c> from the release directory, optionally through a wrapper command (e.g. setpriv to drop root).</summary>
    public static Task<CliResult> RunAsync(IEnumerable<string> args, IEnumerable<string>? wrapper = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = (wrapper ?? []).Concat(["bash", InstallScript]).Concat(args).ToList();
        var info = ProcessRunner.Command(command[0], command.Skip(1));
        info.WorkingDirectory = Path;
        return ProcessRunner.RunAsync(info, timeout ?? TimeSpan.FromMinutes(4));
    }
}
