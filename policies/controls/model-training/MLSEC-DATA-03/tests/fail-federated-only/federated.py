import fedml
import syft as sy

fedml.run_simulation()
