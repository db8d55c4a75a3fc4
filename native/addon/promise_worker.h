// PromiseWorker: an AsyncWorker that settles a promise. Run() works on a libuv thread (an
// exception rejects the promise with its message); Result() makes the resolved value on the JS
// thread. queue() starts a worker and returns its promise; the worker deletes itself when done.
#pragma once

#include <napi.h>

#include <exception>

namespace mlwatch_addon {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}

 protected:
  virtual void Run() = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Execute() final {
    try {
      Run();
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() final { deferred_.Resolve(Result(Env())); }
  void OnError(const Napi::Error& e) final { deferred_.Reject(e.Value()); }

  Napi::Promise::Deferred deferred_;
  friend Napi::Value queue(PromiseWorker* worker);
};

inline Napi::Value queue(PromiseWorker* worker) {
  Napi::Promise promise = worker->deferred_.Promise();
  worker->Queue();
  return promise;
}

}  // namespace mlwatch_addon
