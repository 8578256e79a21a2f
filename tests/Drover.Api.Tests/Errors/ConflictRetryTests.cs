using Drover.Api.Client;

namespace Drover.Api.Tests;

public sealed class ConflictRetryTests
{
    private static readonly Status Conflict = ApiErrors.Conflict(ResourceTypes.ConfigMaps, "c");

    [Fact]
    public async Task RetryOnConflictAsync_ClientConflictThenSuccess_RunsAgain()
    {
        var attempts = 0;

        var result = await ConflictRetry.RetryOnConflictAsync(_ => ++attempts < 3 ? throw new ApiClientException(Conflict) : Task.FromResult("written"));

        Assert.Equal("written", result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task RetryOnConflictAsync_ServerConflictEveryTime_ThrowsTheLastAfterMaxAttempts()
    {
        var attempts = 0;

        var e = await Assert.ThrowsAsync<ApiException>(() => ConflictRetry.RetryOnConflictAsync(_ =>
        {
            attempts++;
            throw new ApiException(Conflict);
        }, maxAttempts: 4));

        Assert.Equal(409, e.Status.Code);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task RetryOnConflictAsync_OtherError_NotRetried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<ApiClientException>(() => ConflictRetry.RetryOnConflictAsync(_ =>
        {
            attempts++;
            throw new ApiClientException(ApiErrors.NotFound(ResourceTypes.ConfigMaps, "c"));
        }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task RetryOnConflictAsync_ConflictNotRetriable_ThrownAtOnce()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<ApiException>(() => ConflictRetry.RetryOnConflictAsync<bool>(_ =>
        {
            attempts++;
            throw new ApiException(Conflict);
        }, retriable: _ => attempts < 2));

        Assert.Equal(2, attempts);
    }
}
