namespace Drover.Store;

/// <summary>Base of every failure the store reports, so callers can handle store trouble in one place.</summary>
public class StoreException : Exception
{
    public StoreException()
    {
    }

    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
