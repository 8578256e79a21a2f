
using Drover.Testing;

namespace Drover.E2E.Compatibility.Tests;

/// <summary>One droverd for every kubectl and client-library test (each test works in its own namespace).</summary>
[CollectionDefinition(Name)]
public sealed class KubectlCollection : ICollectionFixture<DroverdFixture>
{
    public const string Name = "kubectl against one droverd";
}
