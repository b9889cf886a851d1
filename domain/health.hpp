#pragma once
// Port: can the service do its work right now (used by /health/ready)?
namespace guichet {

class ReadinessProbe {
public:
    virtual ~ReadinessProbe() = default;
    virtual bool ready() = 0;
};

}  // namespace guichet
