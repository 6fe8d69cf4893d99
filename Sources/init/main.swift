let a = [UInt8]("hello world".utf8)
let s = String(decoding: a, as: UTF8.self)
let t = s + " x \(a.count) \(s)"
let u = [UInt8](t.utf8)
if u.starts(with: "hello".utf8) { print(t) }
let parts = a.split(separator: UInt8(ascii: " "))
print(String(decoding: parts[0], as: UTF8.self))
