namespace Drover.Architecture.Tests;

/// <summary>Finds the compiled test projects the architecture tests read (built first through project references).</summary>
internal static class TestAssemblyFiles
{
    /// <summary>Every test project's built assembly, in the configuration this one was built in.</summary>
    public static List<string> All()
    {
        var own = typeof(TestAssemblyFiles).Assembly.Location;
        var framework = Path.GetFileName(Path.GetDirectoryName(own)!);
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(own))!);
        var tests = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(own)!, "..", "..", "..", ".."));
        var found = new List<string>();
        foreach (var project in Directory.GetFiles(tests, "*.csproj", SearchOption.AllDirectories))
        {
            if (File.ReadAllText(project).Contains("<IsTestProject>false</IsTestProject>", StringComparison.Ordinal))
                continue;
            var name = Path.GetFileNameWithoutExtension(project);
            var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", configuration, framework, name + ".dll");
            Assert.True(File.Exists(dll), $"{dll} is not built (the architecture project builds every test project first)");
            found.Add(dll);
        }
        return found;
    }
}
