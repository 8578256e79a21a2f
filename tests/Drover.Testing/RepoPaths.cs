using System.Reflection;

namespace Drover.Testing;

/// <summary>Finds the repository and the built daemons, for tests that run them as real processes.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, whichever this test assembly was built as.</summary>
    public static string Configuration { get; } =
        Assembly.GetExecutingAssembly().Location.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string Droverd => Built("controlplane/Drover.ControlPlane", "droverd.dll");
    public static string Cli => Built("controlplane/Drover.Cli", "drover.dll");
    public static string Agent => Built("agent/Drover.Agent", "drover-agent.dll");
    public static string Ingress => Built("ingress/Drover.Ingress", "drover-ingress.dll");
    public static string Examples => Path.Combine(Root, "examples");

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is not built; run ./build.sh build first", path);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
