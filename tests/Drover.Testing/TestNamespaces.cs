using Drover.Api;
using Drover.Api.Client;

namespace Drover.Testing;

public static class TestNamespaces
{
    /// <summary>A fresh namespace per test keeps tests sharing one droverd apart.</summary>
    public static async Task<string> CreateAsync(DroverClient client)
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..10];
        await client.CreateAsync(ResourceTypes.Namespaces, Manifests.Namespace(name));
        return name;
    }
}
