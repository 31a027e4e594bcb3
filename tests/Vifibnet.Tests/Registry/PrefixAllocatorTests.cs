using Vifibnet.Addressing;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

public class PrefixAllocatorTests : IDisposable
{
    readonly TempDir dir = new();
    readonly RegistryDb db;

    public PrefixAllocatorTests() => db = new RegistryDb(dir.File("registry.db"));

    NodePrefix Take(int length) => db.Write((c, t) => PrefixAllocator.Allocate(c, t, length));

    [Fact]
    public void SplitsTheTreeLowestFirst()
    {
        // First /16 splits the root all the way down; later ones take the freed "1" siblings, deepest first.
        var taken = Enumerable.Range(0, 5).Select(_ => Take(16).ToCommonName()).ToList();
        Assert.Equal(["0/16", "1/16", "2/16", "3/16", "4/16"], taken);
    }

    [Fact]
    public void ShorterRequestTakesTheLongestFreePrefixThatFits()
    {
        Assert.Equal("0000", Take(4).ToBinary());
        // Free now: 1, 01, 001, 0001. A /2 request takes 01 (longest free not longer than 2).
        Assert.Equal("01", Take(2).ToBinary());
        Assert.Equal("0001", Take(4).ToBinary());
        Assert.Equal("0010", Take(4).ToBinary());
        Assert.Equal("0011", Take(4).ToBinary());
        Assert.Equal("1000", Take(4).ToBinary());
    }

    [Fact]
    public void ExhaustionIsANamedErrorAndChangesNothing()
    {
        var all = Enumerable.Range(0, 4).Select(_ => Take(2).ToBinary()).ToList();
        Assert.Equal(["00", "01", "10", "11"], all);
        var before = Count();
        var error = Assert.Throws<RequestRefusedException>(() => Take(2));
        Assert.Equal(RegistryErrorCode.PrefixExhausted, error.Code);
        Assert.Equal("prefix_exhausted", error.WireCode);
        Assert.Equal(before, Count());
    }

    [Fact]
    public void RolledBackAllocationLeavesThePrefixFree()
    {
        Assert.Throws<InvalidOperationException>(() => db.Write<int>((c, t) =>
        {
            PrefixAllocator.Allocate(c, t, 16);
            throw new InvalidOperationException("issuing failed after the allocation");
        }));
        Assert.Equal("0/16", Take(16).ToCommonName());
    }

    [Fact]
    public void MixedLengthsNeverOverlap()
    {
        var random = new Random(7);
        var taken = new List<NodePrefix>();
        for (var i = 0; i < 300; i++)
            taken.Add(Take(random.Next(8, 13)));
        for (var i = 0; i < taken.Count; i++)
            for (var j = i + 1; j < taken.Count; j++)
                Assert.False(taken[i].Overlaps(taken[j]), $"{taken[i]} overlaps {taken[j]}");
    }

    string Count() => db.Read(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT count(*) || '/' || sum(reserved) FROM cert";
        return command.ExecuteScalar()!.ToString()!;
    });

    public void Dispose()
    {
        db.Dispose();
        dir.Dispose();
    }
}
